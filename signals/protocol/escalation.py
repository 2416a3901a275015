"""The escalation a signal's interventions hang on, and the protocol version it was made under."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import ESCALATED
from signals.db.models import Decision, Signal
from signals.protocol.model import Protocol
from signals.protocol.service import active_version, protocol_of, version_protocol


def latest_escalation(session: Session, signal_id: int) -> Decision | None:
    return session.scalar(
        select(Decision)
        .where(Decision.signal_id == signal_id, Decision.to_status == ESCALATED)
        .order_by(Decision.id.desc())
        .limit(1)
    )


def escalation_protocol(
    session: Session, signal: Signal
) -> tuple[Decision | None, Protocol | None]:
    """The escalation and the version it cites; before an escalation, the active version (to
    show what could be chosen), or None when no version was ever activated."""
    escalation = latest_escalation(session, signal.id)
    protocol: Protocol | None = None
    if escalation is not None and escalation.protocol_version:
        protocol = version_protocol(session, escalation.protocol_version)
    if protocol is None and (row := active_version(session)) is not None:
        protocol = protocol_of(row)
    return escalation, protocol
