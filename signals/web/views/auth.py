"""Login and logout. A new session id is issued at login so a planted cookie is worthless."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.audit import record
from signals.auth import authenticate, end_sessions
from signals.db.models import User
from signals.web.deps import (
    ANY_ROLE,
    CurrentUser,
    csrf_protect,
    get_session,
    render,
)
from signals.web.read_audit import not_audited
from signals.web.security import CSRF_SESSION_KEY, client_address, new_token

router = APIRouter(include_in_schema=False)

HOME_BY_ROLE = {
    "analyst": "/signalen",
    "supervisor": "/signalen",
    "auditor": "/audit",
    "admin": "/gebruikers",
}


def _safe_next(target: str | None) -> str | None:
    # Only local paths: an open redirect after login would be a phishing aid.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def _client(request: Request) -> str:
    return client_address(request, request.app.state.settings.trusted_proxies)


def start_session(request: Request, user: User) -> None:
    """A fresh session for `user`: new id and CSRF token, and the account's session version."""
    request.session.clear()
    request.session.update(
        {
            "sid": new_token(),
            "uid": user.id,
            "sv": user.session_version or 0,
            CSRF_SESSION_KEY: new_token(),
        }
    )


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    if "sid" not in request.session:
        request.session["sid"] = new_token()
    return render(request, "login.html", {"next": _safe_next(next) or "", "error": None})


@router.post("/login", dependencies=[Depends(csrf_protect)])
def login(
    request: Request,
    username: str = Form("", max_length=64),
    password: str = Form("", max_length=1024),
    next: str = Form(""),
    session: Session = Depends(get_session),
) -> Response:
    throttle = request.app.state.login_throttle
    client = _client(request)
    username = username.strip()
    # The same answers whether or not the name exists: the throttle is keyed on the typed name
    # and the address, never on the account, and there is no per-account lockout.
    wait = throttle.wait_seconds(session, username, client)
    if wait:
        record(
            session,
            actor=username or "-",
            action="login.throttled",
            target_type="user",
            purpose="inloggen",
            details={"client": client, "wait_seconds": wait},
        )
        session.commit()
        return render(
            request,
            "login.html",
            {
                "next": next,
                "error": f"Te veel mislukte pogingen. Probeer het over {wait} seconden opnieuw.",
            },
            429,
        )
    result = authenticate(session, username, password)
    if not result.ok or result.user is None:
        throttle.failure(session, username, client)
        record(
            session,
            actor=username or "-",
            action="login.failure",
            target_type="user",
            purpose="inloggen",
            details={"reason": result.reason, "client": client},
        )
        session.commit()
        return render(
            request,
            "login.html",
            {"next": next, "error": "Onjuiste gebruikersnaam of wachtwoord."},
            401,
        )
    user = result.user
    throttle.success(session, username, client)
    # Rotate: drop everything the pre-login session held (including a planted id).
    request.session.clear()
    start_session(request, user)
    record(
        session,
        actor=user.username,
        actor_role=user.role,
        action="login.success",
        target_type="user",
        target_id=user.id,
        purpose="inloggen",
        details={"client": client},
    )
    session.commit()
    target = _safe_next(next) or HOME_BY_ROLE.get(user.role, "/signalen")
    return RedirectResponse(target, status_code=303)


@router.post("/logout", dependencies=[Depends(ANY_ROLE), Depends(csrf_protect)])
def logout(
    request: Request,
    user: CurrentUser = Depends(ANY_ROLE),
    session: Session = Depends(get_session),
) -> Response:
    # Server-side: bumping the account's session version ends this cookie and every copy of
    # it, in every browser of this account, and survives a restart (no in-memory list).
    row = session.get(User, user.id)
    if row is not None:
        end_sessions(session, row)
    record(
        session,
        actor=user.username,
        actor_role=user.role,
        action="logout",
        target_type="user",
        target_id=user.id,
        purpose="uitloggen",
    )
    session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/", dependencies=[not_audited("redirects to the start page of the role")])
def home(user: CurrentUser = Depends(ANY_ROLE)) -> Response:
    return RedirectResponse(HOME_BY_ROLE.get(user.role, "/signalen"), status_code=303)
