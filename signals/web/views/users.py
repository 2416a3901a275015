"""The admins' users page: add, disable/enable, change role, and approve another admin's
request to create or raise a supervisor or admin. Every change is audited and alerted
(signals.services.users)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.db.models import ROLES
from signals.services import users
from signals.web.deps import ADMINS, AdminUser, DbSession, guarded
from signals.web.read_audit import audited
from signals.web.rendering import redirect, render_page
from signals.web.uow import form_refusal

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: Session, *, error: str | None = None,
          created: tuple[str, str] | None = None, status: int = 200) -> Response:
    found = users.overview(session)
    context = {"users": found.users, "pending": found.pending, "grants": found.grants,
               "roles": ROLES, "created": created}
    return render_page(request, "users.html", context, error=error, status=status)


@router.get("/gebruikers", dependencies=[audited("user.list", purpose="beheer")])
def users_page(request: Request, _user: AdminUser, session: DbSession) -> Response:
    return _page(request, session)


@router.post("/gebruikers", dependencies=guarded(ADMINS))
def add_user(
    request: Request, user: AdminUser, session: DbSession,
    username: str = Form(..., max_length=64),
    role: str = Form(..., max_length=16),
) -> Response:
    # The password is generated and shown once; the admin hands it over out of band.
    with form_refusal(session) as refused:
        created, password = users.create_user(
            session, user, request.app.state.settings, username, role
        )
    if refused:
        return _page(request, session, error=refused.message, status=refused.status_code)
    return _page(request, session, created=(created.username, password))


@router.post("/gebruikers/{username}", dependencies=guarded(ADMINS))
def change_user(
    request: Request, username: str, user: AdminUser, session: DbSession,
    op: str = Form(..., max_length=16), role: str = Form("", max_length=16),
) -> Response:
    with form_refusal(session) as refused:
        users.apply_operation(session, user, request.app.state.settings, username, op, role)
    if refused:
        return _page(request, session, error=refused.message, status=refused.status_code)
    return redirect(request, "/gebruikers", flash=f"Gebruiker {username} bijgewerkt.")
