"""Every user's own account: change the password. A new password ends every other session of
the account; the browser that changed it gets a fresh session."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.services import account
from signals.web.cookie_session import start_session
from signals.web.deps import ALL_ACCOUNTS, CurrentUser, csrf_protect, get_session, render
from signals.web.read_audit import not_audited
from signals.web.uow import form_refusal

router = APIRouter(include_in_schema=False)


@router.get(
    "/wachtwoord", dependencies=[not_audited("own password form; no case or personal data")]
)
def password_page(request: Request, _user: CurrentUser = Depends(ALL_ACCOUNTS)) -> Response:
    return render(
        request, "password.html", {"error": None, "flash": request.session.pop("flash", None)}
    )


@router.post("/wachtwoord", dependencies=[Depends(ALL_ACCOUNTS), Depends(csrf_protect)])
def change_password(
    request: Request,
    current: str = Form(..., max_length=1024),
    new: str = Form(..., max_length=1024),
    repeat: str = Form(..., max_length=1024),
    user: CurrentUser = Depends(ALL_ACCOUNTS),
    session: Session = Depends(get_session),
) -> Response:
    with form_refusal(session) as refused:
        row = account.change_password(session, user, current, new, repeat)
    if refused:
        return render(request, "password.html", {"error": refused.message, "flash": None}, 400)
    start_session(request, row)
    request.session["flash"] = "Wachtwoord gewijzigd. Andere sessies van uw account zijn beëindigd."
    return RedirectResponse("/wachtwoord", status_code=303)
