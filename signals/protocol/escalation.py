"""Interventions on an escalated signal, under the protocol version of its escalation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from signals.db.models import ChosenIntervention, Decision, Signal
from signals.protocol.model import Protocol
from signals.protocol.service import (
    ProtocolActionError,
    Suggestion,
    active_version,
    choose_interventions,
    protocol_of,
    suggestions,
    version_protocol,
)


@dataclass(slots=True)
class InterventionView:
    protocol: Protocol | None  # the version the escalation was made under (or the active one)
    escalation: Decision | None
    suggestions: list[Suggestion]
    chosen: list[ChosenIntervention]


def latest_escalation(session: Session, signal_id: int) -> Decision | None:
    return session.scalar(
        select(Decision)
        .where(Decision.signal_id == signal_id, Decision.to_status == "escalated")
        .order_by(Decision.id.desc())
        .limit(1)
    )


def intervention_view(session: Session, signal: Signal) -> InterventionView:
    escalation = latest_escalation(session, signal.id)
    protocol: Protocol | None = None
    if escalation is not None and escalation.protocol_version:
        protocol = version_protocol(session, escalation.protocol_version)
    if protocol is None and (row := active_version(session)) is not None:
        protocol = protocol_of(row)
    chosen = list(
        session.scalars(
            select(ChosenIntervention)
            .where(ChosenIntervention.signal_id == signal.id)
            .order_by(ChosenIntervention.id)
        )
    )
    return InterventionView(
        protocol=protocol,
        escalation=escalation,
        suggestions=suggestions(protocol, signal) if protocol else [],
        chosen=chosen,
    )


def propose(
    session: Session,
    signal_id: int,
    chosen: list[tuple[str, str]],
    *,
    actor: str,
    actor_role: str,
) -> list[ChosenIntervention]:
    """Record interventions for an escalated signal under its escalation's protocol version."""
    signal = session.get(Signal, signal_id)
    if signal is None:
        raise ProtocolActionError(f"Signaal {signal_id} bestaat niet.")
    if signal.status != "escalated":
        raise ProtocolActionError("Interventies kunnen alleen bij een geëscaleerd signaal.")
    if not chosen:
        raise ProtocolActionError("Kies ten minste één interventie.")
    view = intervention_view(session, signal)
    if view.escalation is None or view.protocol is None:
        raise ProtocolActionError("Er is geen protocolversie bij de escalatie vastgelegd.")
    return choose_interventions(
        session, view.escalation, signal, view.protocol, chosen, actor=actor, actor_role=actor_role
    )
