"""Assignment: which colleague picks a signal up. Not a decision: it changes neither the
status nor the signal's version, so a colleague's open decision form stays valid."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import ANALYST, SUPERVISOR
from signals.db.models import Signal, User
from signals.db.types import utcnow
from signals.errors import DomainError, NotAllowed, NotFound
from signals.services import Actor, record_as

# Who may hold (and hand out) a signal: the roles that triage.
ASSIGNABLE_ROLES = (ANALYST, SUPERVISOR)


class AssignmentRefused(DomainError):
    status_code = 422


@dataclass(frozen=True, slots=True)
class Assignment:
    signal_id: int
    before: str | None
    after: str | None


def colleagues(session: Session) -> list[str]:
    """Active analysts and supervisors, by name: the choice on the signal page."""
    return list(
        session.scalars(
            select(User.username)
            .where(User.active.is_(True), User.role.in_(ASSIGNABLE_ROLES))
            .order_by(User.username)
        )
    )


def assign(
    session: Session, actor: Actor, signal_id: int, assignee: str | None
) -> Assignment:
    """Give the signal to `assignee` (a username), or take it from whoever has it (None)."""
    if actor.role not in ASSIGNABLE_ROLES:
        raise NotAllowed("Alleen analisten en supervisors wijzen signalen toe.")
    signal = session.get(Signal, signal_id)
    if signal is None:
        raise NotFound(f"Signaal {signal_id} bestaat niet.")
    assignee = (assignee or "").strip() or None
    if assignee is not None:
        user = session.scalar(select(User).where(User.username == assignee))
        if user is None or not user.active or user.role not in ASSIGNABLE_ROLES:
            raise AssignmentRefused(
                f"„{assignee}” is geen actieve analist of supervisor; "
                "kies een collega uit de lijst."
            )
    before = signal.assigned_to
    if before == assignee:
        return Assignment(signal_id, before, assignee)
    signal.assigned_to = assignee
    signal.assigned_at = utcnow() if assignee else None
    session.flush()
    record_as(
        session, actor, action="signal.assign" if assignee else "signal.unassign",
        target_type="signal", target_id=signal_id, purpose="triage: toewijzing",
        details={"from": before, "to": assignee},
    )
    return Assignment(signal_id, before, assignee)
