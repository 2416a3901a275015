"""Every user's own account: change the password. A new password ends every other session of
the account; the browser that changed it gets a fresh session."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals import auth
from signals.web.deps import ANY_ROLE, CurrentUser, csrf_protect, get_session, render
from signals.web.read_audit import not_audited
from signals.web.views.auth import start_session

router = APIRouter(include_in_schema=False)


@router.get(
    "/wachtwoord", dependencies=[not_audited("own password form; no case or personal data")]
)
def password_page(request: Request, _user: CurrentUser = Depends(ANY_ROLE)) -> Response:
    return render(
        request, "password.html", {"error": None, "flash": request.session.pop("flash", None)}
    )


@router.post("/wachtwoord", dependencies=[Depends(ANY_ROLE), Depends(csrf_protect)])
def change_password(
    request: Request,
    current: str = Form(..., max_length=1024),
    new: str = Form(..., max_length=1024),
    repeat: str = Form(..., max_length=1024),
    user: CurrentUser = Depends(ANY_ROLE),
    session: Session = Depends(get_session),
) -> Response:
    try:
        if new != repeat:
            raise auth.AuthError("De twee nieuwe wachtwoorden zijn niet gelijk.")
        row = auth.change_own_password(session, user.id, current, new)
    except auth.AuthError as exc:
        session.rollback()
        return render(request, "password.html", {"error": str(exc), "flash": None}, 400)
    session.commit()
    start_session(request, row)
    request.session["flash"] = "Wachtwoord gewijzigd. Andere sessies van uw account zijn beëindigd."
    return RedirectResponse("/wachtwoord", status_code=303)
