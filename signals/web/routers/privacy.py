"""The privacy page (every role), the admin's kill switch and the supervisors' four-eyes reveal.

Deliberately absent: any view, filter or query "by author". Routes here take signal, post and
request ids only; tests/security checks that no route anywhere accepts an author parameter."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.config import get_settings
from signals.privacy import reveal, statement
from signals.privacy.access import PrivacyError
from signals.privacy.escrow import EscrowError
from signals.retention import load_policy
from signals.switches import autotag_enabled, set_autotag
from signals.web.deps import (
    ADMINS,
    ANY_ROLE,
    SUPERVISORS,
    CurrentUser,
    csrf_protect,
    get_session,
    render,
)
from signals.web.read_audit import audited

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: Session,
    user: CurrentUser,
    *,
    error: str | None = None,
    revealed: tuple[int, str] | None = None,
    status: int = 200,
) -> Response:
    settings = get_settings()
    try:
        policy = load_policy()
        policy_error = None
    except ValueError as exc:
        policy, policy_error = None, str(exc)
    context = {
        "purposes": statement.PURPOSES,
        "legal_basis": statement.LEGAL_BASIS,
        "limits": statement.LIMITS,
        "algorithm": statement.algorithm(settings),
        "model": statement.model_facts(),
        "sources": statement.sources(settings),
        "policy": policy,
        "policy_error": policy_error,
        "autotag_env": settings.autotag,
        "autotag": autotag_enabled(session),
        "pending": reveal.pending_requests(session) if user.role == "supervisor" else [],
        "approved": (
            reveal.approved_for(session, user.username) if user.role == "supervisor" else []
        ),
        "error": error,
        "revealed": revealed,
        "flash": request.session.pop("flash", None),
    }
    return render(request, "privacy/index.html", context, status)


@router.get("/privacy", dependencies=[audited("privacy.view", purpose="privacy en onthullingen")])
def privacy_page(
    request: Request,
    user: CurrentUser = Depends(ANY_ROLE),
    session: Session = Depends(get_session),
) -> Response:
    return _page(request, session, user)


@router.post("/privacy/autotag", dependencies=[Depends(ADMINS), Depends(csrf_protect)])
def toggle_autotag(
    request: Request,
    enabled: str = Form(..., pattern="^(on|off)$"),
    reason: str = Form(..., min_length=3, max_length=255),
    user: CurrentUser = Depends(ADMINS),
    session: Session = Depends(get_session),
) -> Response:
    set_autotag(session, enabled == "on", actor=user.username, actor_role=user.role, reason=reason)
    session.commit()
    request.session["flash"] = (
        "Automatisch labelen staat aan." if enabled == "on" else "Automatisch labelen staat UIT."
    )
    return RedirectResponse("/privacy", status_code=303)


def _refused(request: Request, session: Session, user: CurrentUser, exc: Exception) -> Response:
    # The refusal's audit event is part of the session: keep it.
    session.commit()
    return _page(request, session, user, error=str(exc), status=400)


@router.post("/privacy/onthullen", dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)])
def request_reveal(
    request: Request,
    signal_id: int = Form(..., ge=1),
    post_id: int = Form(..., ge=1),
    legal_ground: str = Form(..., max_length=2000),
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    try:
        created = reveal.request_reveal(
            session,
            signal_id=signal_id,
            post_id=post_id,
            actor=user.username,
            legal_ground=legal_ground,
        )
    except (PrivacyError, EscrowError) as exc:
        return _refused(request, session, user, exc)
    session.commit()
    request.session["flash"] = (
        f"Verzoek {created.id} ingediend. Een tweede supervisor moet het goedkeuren."
    )
    return RedirectResponse("/privacy", status_code=303)


@router.post(
    "/privacy/onthullen/{request_id}/besluit",
    dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)],
)
def decide_reveal(
    request: Request,
    request_id: int,
    decision: str = Form(..., pattern="^(approve|reject)$"),
    note: str = Form("", max_length=255),
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    try:
        reveal.decide_reveal(
            session, request_id, actor=user.username, approve=decision == "approve", note=note
        )
    except (PrivacyError, EscrowError) as exc:
        return _refused(request, session, user, exc)
    session.commit()
    request.session["flash"] = f"Verzoek {request_id}: " + (
        "goedgekeurd." if decision == "approve" else "afgewezen."
    )
    return RedirectResponse("/privacy", status_code=303)


@router.post(
    "/privacy/onthullen/inzien", dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)]
)
def show_reveal(
    request: Request,
    request_id: int = Form(..., ge=1),
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    # POST, not GET: a handle must never sit in a URL, a history entry or a prefetch.
    try:
        handle = reveal.reveal(session, request_id, actor=user.username)
    except (PrivacyError, EscrowError) as exc:
        return _refused(request, session, user, exc)
    session.commit()
    return _page(request, session, user, revealed=(request_id, handle))
