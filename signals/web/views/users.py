"""The admins' users page: add, disable/enable, change role, and approve another admin's
request to create or raise a supervisor or admin. Every change is audited and alerted."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals import auth
from signals.db.models import ROLES
from signals.web.deps import ADMINS, CurrentUser, csrf_protect, get_session, render
from signals.web.read_audit import audited

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: Session,
    *,
    error: str | None = None,
    created: tuple[str, str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "users.html",
        {
            "users": auth.list_users(session),
            "pending": auth.pending_roles(session),
            "grants": auth.pending_grants(session),
            "roles": ROLES,
            "error": error,
            "created": created,
            "flash": request.session.pop("flash", None),
        },
        status,
    )


@router.get("/gebruikers", dependencies=[audited("user.list", purpose="beheer")])
def users_page(
    request: Request,
    _user: CurrentUser = Depends(ADMINS),
    session: Session = Depends(get_session),
) -> Response:
    return _page(request, session)


@router.post("/gebruikers", dependencies=[Depends(ADMINS), Depends(csrf_protect)])
def add_user(
    request: Request,
    username: str = Form(..., max_length=64),
    role: str = Form(..., max_length=16),
    user: CurrentUser = Depends(ADMINS),
    session: Session = Depends(get_session),
) -> Response:
    # The password is generated and shown once; the admin hands it over out of band.
    password = auth.generate_password()
    try:
        auth.create_user(
            session,
            username,
            password,
            role,
            actor=user.username,
            actor_role=user.role,
            actor_id=user.id,
            settings=request.app.state.settings,
        )
    except auth.AuthError as exc:
        session.rollback()
        return _page(request, session, error=str(exc), status=409)
    session.commit()
    return _page(request, session, created=(username.strip(), password))


@router.post("/gebruikers/{username}", dependencies=[Depends(ADMINS), Depends(csrf_protect)])
def change_user(
    request: Request,
    username: str,
    op: str = Form(..., max_length=16),
    role: str = Form("", max_length=16),
    user: CurrentUser = Depends(ADMINS),
    session: Session = Depends(get_session),
) -> Response:
    try:
        target = auth.get_user(session, username)
        if target is None:
            raise auth.AuthError(f"Gebruiker '{username}' bestaat niet.")
        if target.id == user.id and op in {"disable", "role"}:
            raise auth.AuthError("U kunt uzelf niet uitschakelen of uw eigen rol wijzigen.")
        if op == "disable":
            auth.set_active(session, username, False, actor=user.username, actor_role=user.role)
        elif op == "enable":
            auth.set_active(session, username, True, actor=user.username, actor_role=user.role)
        elif op == "role":
            auth.set_role(
                session,
                username,
                role,
                actor=user.username,
                actor_role=user.role,
                actor_id=user.id,
                settings=request.app.state.settings,
            )
        elif op in {"approve", "reject"}:
            auth.decide_role_grant(
                session,
                username,
                approve=op == "approve",
                actor=user.username,
                actor_id=user.id,
                settings=request.app.state.settings,
            )
        else:
            raise auth.AuthError("Onbekende handeling.")
    except auth.AuthError as exc:
        session.rollback()
        return _page(request, session, error=str(exc), status=409)
    session.commit()
    request.session["flash"] = f"Gebruiker {username} bijgewerkt."
    return RedirectResponse("/gebruikers", status_code=303)
