"""Login and logout. A new session id is issued at login so a planted cookie is worthless."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from signals.services import account
from signals.web.cookie_session import start_session
from signals.web.deps import ALL_ACCOUNTS, AccountUser, DbSession, csrf_protect, guarded, render
from signals.web.read_audit import not_audited
from signals.web.security import client_address, new_token

router = APIRouter(include_in_schema=False)

HOME_BY_ROLE = {
    "analyst": "/signalen",
    "supervisor": "/signalen",
    "auditor": "/audit",
    "admin": "/gebruikers",
    "partner": "/melden",
}


def _safe_next(target: str | None) -> str | None:
    # Only local paths: an open redirect after login would be a phishing aid.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def _client(request: Request) -> str:
    return client_address(request, request.app.state.settings.trusted_proxies)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    if "sid" not in request.session:
        request.session["sid"] = new_token()
    return render(request, "login.html", {"next": _safe_next(next) or "", "error": None})


@router.post("/login", dependencies=[Depends(csrf_protect)])
def login(
    request: Request, session: DbSession,
    username: str = Form("", max_length=64),
    password: str = Form("", max_length=1024), next: str = Form(""),
) -> Response:
    outcome = account.log_in(
        session, request.app.state.login_throttle, username, password, _client(request)
    )
    if outcome.user is None:
        return render(request, "login.html", {"next": next, "error": outcome.error}, outcome.status)
    user = outcome.user
    # Rotate: drop everything the pre-login session held (including a planted id).
    start_session(request, user)
    target = _safe_next(next) or HOME_BY_ROLE.get(user.role, "/signalen")
    return RedirectResponse(target, status_code=303)


@router.post("/logout", dependencies=guarded(ALL_ACCOUNTS))
def logout(request: Request, user: AccountUser, session: DbSession) -> Response:
    account.log_out(session, user)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/", dependencies=[not_audited("redirects to the start page of the role")])
def home(user: AccountUser) -> Response:
    return RedirectResponse(HOME_BY_ROLE.get(user.role, "/signalen"), status_code=303)
