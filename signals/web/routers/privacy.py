"""The privacy page (every role), the admin's kill switch and the supervisors' four-eyes reveal.

Deliberately absent: any view, filter or query "by author". Routes here take signal, post and
request ids only; tests/security checks that no route anywhere accepts an author parameter."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.privacy import reveal
from signals.services import privacy
from signals.switches import set_autotag
from signals.web.deps import (
    ADMINS,
    SUPERVISORS,
    AdminUser,
    AnyUser,
    CurrentUser,
    DbSession,
    SupervisorUser,
    guarded,
)
from signals.web.read_audit import audited
from signals.web.rendering import redirect, render_page
from signals.web.uow import FormRefusal, form_refusal

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: Session, user: CurrentUser, *, error: str | None = None,
          revealed: tuple[int, str] | None = None, status: int = 200) -> Response:
    # The app's own settings: the sources it was started with (the demo's in the demo).
    context = {**privacy.overview(session, user, request.app.state.settings), "revealed": revealed}
    return render_page(request, "privacy/index.html", context, error=error, status=status)


@router.get("/privacy", dependencies=[audited("privacy.view", purpose="privacy en onthullingen")])
def privacy_page(request: Request, user: AnyUser, session: DbSession) -> Response:
    return _page(request, session, user=user)


@router.post("/privacy/autotag", dependencies=guarded(ADMINS))
def toggle_autotag(
    request: Request, user: AdminUser, session: DbSession,
    enabled: str = Form(..., pattern="^(on|off)$"),
    reason: str = Form(..., min_length=3, max_length=255),
) -> Response:
    set_autotag(session, enabled == "on", actor=user, reason=reason)
    done = "Automatisch labelen staat aan." if enabled == "on" else "Automatisch labelen staat UIT."
    return redirect(request, "/privacy", flash=done)


def _refused(
    request: Request, session: Session, user: CurrentUser, refused: FormRefusal
) -> Response:
    return _page(request, session, user, error=refused.message, status=400)


def _refusal(session: Session) -> FormRefusal:
    # Privacy acts refuse before they change anything, and a refusal by role leaves its audit
    # record in the session: keep the session, it commits with the request.
    return form_refusal(session, undo=False)


@router.post("/privacy/onthullen", dependencies=guarded(SUPERVISORS))
def request_reveal(
    request: Request, user: SupervisorUser, session: DbSession,
    signal_id: int = Form(..., ge=1),
    post_id: int = Form(..., ge=1), legal_ground: str = Form(..., max_length=2000),
) -> Response:
    with _refusal(session) as refused:
        created = reveal.request_reveal(
            session,
            signal_id=signal_id,
            post_id=post_id,
            actor=user.username,
            legal_ground=legal_ground,
        )
    if refused:
        return _refused(request, session, user, refused)
    done = f"Verzoek {created.id} ingediend. Een tweede supervisor moet het goedkeuren."
    return redirect(request, "/privacy", flash=done)


@router.post(
    "/privacy/onthullen/{request_id}/besluit",
    dependencies=guarded(SUPERVISORS),
)
def decide_reveal(
    request: Request, request_id: int, user: SupervisorUser, session: DbSession,
    decision: str = Form(..., pattern="^(approve|reject)$"), note: str = Form("", max_length=255),
) -> Response:
    with _refusal(session) as refused:
        reveal.decide_reveal(
            session, request_id, actor=user.username, approve=decision == "approve", note=note
        )
    if refused:
        return _refused(request, session, user, refused)
    done = "goedgekeurd." if decision == "approve" else "afgewezen."
    return redirect(request, "/privacy", flash=f"Verzoek {request_id}: {done}")


@router.post("/privacy/onthullen/inzien", dependencies=guarded(SUPERVISORS))
def show_reveal(
    request: Request, user: SupervisorUser, session: DbSession, request_id: int = Form(..., ge=1)
) -> Response:
    # POST, not GET: a handle must never sit in a URL, a history entry or a prefetch.
    with _refusal(session) as refused:
        handle = reveal.reveal(session, request_id, actor=user.username)
    if refused:
        return _refused(request, session, user, refused)
    return _page(request, session, user, revealed=(request_id, handle))
