"""Who may do a privacy act: read from the users table at the moment of the act."""

from __future__ import annotations

from sqlalchemy.orm import Session

from signals.audit import record
from signals.auth import get_user
from signals.db.models import User
from signals.errors import DomainError


class PrivacyError(DomainError, PermissionError):
    """A privacy request that is refused; the message is Dutch, for the UI and CLI."""

    status_code = 400


def require_role(
    session: Session, actor: str, role: str, *, action: str, target_id: str | int | None = None
) -> User:
    """The acting user if active and holding `role`; otherwise audit the refusal and raise.

    The refusal event is added to the session: callers that want it kept commit before
    propagating the error (the CLI and web routes do)."""
    user = get_user(session, actor)
    if user is None or not user.active or user.role != role:
        record(
            session,
            actor=actor,
            actor_role=user.role if user else None,
            action=f"{action}.denied",
            target_type="privacy",
            target_id=target_id,
            purpose=f"rol {role} vereist",
        )
        raise PrivacyError(f"Alleen een actieve gebruiker met de rol '{role}' mag dit doen.")
    return user


def record_request(
    session: Session, actor: str, action: str, reference: str, purpose: str, **details: object
) -> None:
    """Audit an admin's act on a data-subject request, under the request's reference."""
    record(
        session,
        actor=actor,
        actor_role="admin",
        action=action,
        target_type="data_subject_request",
        target_id=reference,
        purpose=purpose,
        details=details,
    )
