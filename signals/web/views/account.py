"""Every user's own account: change the password. A new password ends every other session of
the account; the browser that changed it gets a fresh session."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from signals.services import account
from signals.web.cookie_session import start_session
from signals.web.deps import ALL_ACCOUNTS, AccountUser, DbSession, guarded, render
from signals.web.read_audit import not_audited
from signals.web.rendering import redirect, render_page
from signals.web.uow import form_refusal

router = APIRouter(include_in_schema=False)


@router.get(
    "/wachtwoord", dependencies=[not_audited("own password form; no case or personal data")]
)
def password_page(request: Request, _user: AccountUser) -> Response:
    return render_page(request, "password.html", {})


@router.post("/wachtwoord", dependencies=guarded(ALL_ACCOUNTS))
def change_password(
    request: Request, user: AccountUser, session: DbSession,
    current: str = Form(..., max_length=1024), new: str = Form(..., max_length=1024),
    repeat: str = Form(..., max_length=1024),
) -> Response:
    with form_refusal(session) as refused:
        row = account.change_password(session, user, current, new, repeat)
    if refused:
        return render(request, "password.html", {"error": refused.message, "flash": None}, 400)
    start_session(request, row)
    done = "Wachtwoord gewijzigd. Andere sessies van uw account zijn beëindigd."
    return redirect(request, "/wachtwoord", flash=done)
