"""Four-eyes reveal of one escrowed author handle, for one escalated signal.

Steps, each audited: a supervisor requests with a stated legal ground; a second, different
supervisor approves (or rejects); then the requester or the approver may read the handle,
and every reading is its own audit event. Without escrow there is nothing to request."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import APPROVAL_PENDING, APPROVED, REJECTED
from signals.audit import record
from signals.auth import four_eyes_conflict
from signals.db.models import RevealRequest, Signal, SignalPost
from signals.db.types import utcnow
from signals.privacy.access import PrivacyError, require_role
from signals.privacy.escrow import EscrowError, has_escrow, open_escrow

MIN_GROUND_LENGTH = 15
SUPERVISOR = "supervisor"


def _escalated_signal(session: Session, signal_id: int) -> Signal:
    signal = session.get(Signal, signal_id)
    if signal is None:
        raise PrivacyError("Dit signaal bestaat niet (meer).")
    if signal.status != "escalated":
        raise PrivacyError("Een auteur kan alleen worden onthuld bij een geëscaleerd signaal.")
    return signal


def request_reveal(
    session: Session, *, signal_id: int, post_id: int, actor: str, legal_ground: str
) -> RevealRequest:
    require_role(session, actor, SUPERVISOR, action="privacy.reveal.request", target_id=post_id)
    legal_ground = (legal_ground or "").strip()
    if len(legal_ground) < MIN_GROUND_LENGTH:
        raise PrivacyError(
            f"Vermeld de wettelijke grondslag (minstens {MIN_GROUND_LENGTH} tekens)."
        )
    _escalated_signal(session, signal_id)
    in_signal = session.scalar(
        select(SignalPost.post_id).where(
            SignalPost.signal_id == signal_id, SignalPost.post_id == post_id
        )
    )
    if in_signal is None:
        raise PrivacyError("Dit bericht hoort niet bij dit signaal.")
    if not has_escrow(session, post_id):
        raise EscrowError("Voor dit bericht is geen auteur bewaard: er is niets te onthullen.")
    request = RevealRequest(
        signal_id=signal_id, post_id=post_id, requested_by=actor, legal_ground=legal_ground
    )
    session.add(request)
    session.flush()
    _audit(session, request, action="privacy.reveal.request", actor=actor, purpose=legal_ground)
    return request


def _audit(
    session: Session, request: RevealRequest, *, action: str, actor: str, purpose: str | None
) -> None:
    """Each step of a reveal, by a supervisor, audited with the request and what it is about
    (ids only: never the handle)."""
    record(
        session, actor=actor, actor_role=SUPERVISOR, action=action, target_type="reveal_request",
        target_id=request.id, purpose=purpose,
        details={"signal_id": request.signal_id, "post_id": request.post_id},
    )


def _pending(session: Session, request_id: int) -> RevealRequest:
    request = session.get(RevealRequest, request_id)
    if request is None:
        raise PrivacyError("Dit verzoek bestaat niet (meer).")
    if request.status != APPROVAL_PENDING:
        raise PrivacyError(f"Dit verzoek is al behandeld ({request.status}).")
    return request


def decide_reveal(
    session: Session, request_id: int, *, actor: str, approve: bool, note: str = ""
) -> RevealRequest:
    """The second supervisor's decision. The requester can never approve their own request."""
    action = "privacy.reveal.approve" if approve else "privacy.reveal.reject"
    require_role(session, actor, SUPERVISOR, action=action, target_id=request_id)
    request = _pending(session, request_id)
    if request.requested_by.casefold() == actor.casefold():
        raise PrivacyError("Een tweede supervisor moet het verzoek goedkeuren, niet de aanvrager.")
    # Persons, not names: no account the requester created or can still log in as.
    conflict = four_eyes_conflict(session, request.requested_by, actor)
    if conflict:
        raise PrivacyError(f"Een andere supervisor moet het verzoek goedkeuren: {conflict}")
    if approve:
        _escalated_signal(session, request.signal_id)
    request.status = APPROVED if approve else REJECTED
    request.approved_by = actor
    request.decided_at = utcnow()
    _audit(session, request, action=action, actor=actor, purpose=note.strip()[:255] or None)
    return request


def reveal(session: Session, request_id: int, *, actor: str, key_dir: Path | None = None) -> str:
    """The plaintext handle of an approved request, for its requester or approver only."""
    require_role(session, actor, SUPERVISOR, action="privacy.reveal", target_id=request_id)
    request = session.get(RevealRequest, request_id)
    if request is None or request.status != APPROVED:
        raise PrivacyError("Alleen een goedgekeurd verzoek kan worden ingezien.")
    if actor.casefold() not in {
        request.requested_by.casefold(),
        (request.approved_by or "").casefold(),
    }:
        raise PrivacyError("Alleen de aanvrager of de goedkeurder mag dit verzoek inzien.")
    _escalated_signal(session, request.signal_id)
    handle = open_escrow(session, request.post_id, key_dir=key_dir)
    _audit(
        session, request, action="privacy.reveal", actor=actor, purpose=request.legal_ground[:255]
    )
    return handle


def pending_requests(session: Session) -> list[RevealRequest]:
    return list(
        session.scalars(
            select(RevealRequest)
            .where(RevealRequest.status == APPROVAL_PENDING)
            .order_by(RevealRequest.id)
        )
    )


def approved_for(session: Session, username: str) -> list[RevealRequest]:
    """Approved requests this supervisor may read (as requester or approver)."""
    return list(
        session.scalars(
            select(RevealRequest)
            .where(
                RevealRequest.status == APPROVED,
                (RevealRequest.requested_by == username) | (RevealRequest.approved_by == username),
            )
            .order_by(RevealRequest.id)
        )
    )
