"""Interventions on a signal and their four-eyes approval: what the pages, the API and the CLI
call. See `signals.services` for the rules every service follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import (
    ANALYST,
    APPROVAL_NL,
    APPROVAL_PENDING,
    APPROVAL_STANDING,
    APPROVED,
    ESCALATED,
    REJECTED,
    ROLE_NL,
    SUPERVISOR,
)
from signals.db.models import AuditEvent, ChosenIntervention, Decision, Signal
from signals.errors import NotAllowed, NotFound
from signals.protocol.escalation import escalation_protocol
from signals.protocol.model import Intervention, Protocol
from signals.protocol.names import intervention_name
from signals.protocol.ranking import Ranked, Situation, rank_interventions
from signals.protocol.service import (
    Choice,
    ProtocolActionError,
    choose_interventions,
    decide_intervention,
    version_protocol,
)
from signals.services import Actor

CONTENT_ROLES = frozenset({ANALYST, SUPERVISOR})
FOUR_EYES_NL = "vier ogen: goedkeuring door een andere {role} dan de voorsteller"


def _require(actor: Actor, roles: frozenset[str] | set[str]) -> None:
    if actor.role not in roles:
        raise NotAllowed("Uw rol mag dit niet.")


def _signal(session: Session, signal_id: int) -> Signal:
    signal = session.get(Signal, signal_id)
    if signal is None:
        raise NotFound(f"Signaal {signal_id} bestaat niet.")
    return signal


def approval_text(row: ChosenIntervention) -> str:
    """The state of one chosen intervention in Dutch, with who decided."""
    if row.approval_status == APPROVAL_PENDING:
        role = ROLE_NL.get(row.approver_role or "", row.approver_role or "")
        return f"wacht op goedkeuring door een {role} (vier ogen)"
    if row.approval_status in (APPROVED, REJECTED) and row.decided_by:
        return f"{APPROVAL_NL[row.approval_status]} door {row.decided_by}"
    return APPROVAL_NL.get(row.approval_status, row.approval_status)


def four_eyes_text(item: Intervention) -> str:
    if item.approver_role is None:
        return "geen goedkeuring nodig"
    return FOUR_EYES_NL.format(role=ROLE_NL.get(item.approver_role, item.approver_role))


@dataclass(frozen=True, slots=True)
class ChosenView:
    row: ChosenIntervention
    name: str
    status_nl: str
    standing: bool  # not rejected: it cannot be chosen again


@dataclass(slots=True)
class InterventionsPage:
    signal: Signal
    protocol: Protocol | None
    escalation: Decision | None
    ranked: list[Ranked]
    chosen: list[ChosenView]
    can_choose: bool  # escalated, under a protocol version

    @property
    def standing(self) -> dict[str, ChosenView]:
        return {c.row.intervention_id: c for c in self.chosen if c.standing}


def interventions_page(
    session: Session, actor: Actor, signal_id: int, *, now: datetime | None = None
) -> InterventionsPage:
    """The protocol's interventions for one signal, best fit first, and what was chosen."""
    _require(actor, CONTENT_ROLES)
    signal = _signal(session, signal_id)
    escalation, protocol = escalation_protocol(session, signal)
    situation = Situation.of(signal, now or datetime.now(UTC))
    ranked = rank_interventions(protocol, situation) if protocol else []
    rows = session.scalars(
        select(ChosenIntervention)
        .where(ChosenIntervention.signal_id == signal.id)
        .order_by(ChosenIntervention.id)
    ).all()
    chosen = [
        ChosenView(
            row,
            intervention_name(session, row.protocol_version, row.intervention_id),
            approval_text(row),
            row.approval_status in APPROVAL_STANDING,
        )
        for row in rows
    ]
    return InterventionsPage(
        signal=signal,
        protocol=protocol,
        escalation=escalation,
        ranked=ranked,
        chosen=chosen,
        can_choose=signal.status == ESCALATED and escalation is not None and protocol is not None,
    )


def propose(
    session: Session,
    actor: Actor,
    signal_id: int,
    choices: Sequence[Choice],
    *,
    filled_not_chosen: Sequence[str] = (),
) -> list[ChosenIntervention]:
    """Record interventions for an escalated signal under its escalation's protocol version.

    `filled_not_chosen`: interventions the form has a weighing or ticked conditions for but that
    were not ticked themselves; refused, so that a forgotten tick is not silently dropped."""
    _require(actor, CONTENT_ROLES)
    # Row lock (PostgreSQL; SQLite serialises writers anyway): two people choosing at once for
    # one signal take turns, so the second sees the first's choice as already chosen.
    signal = session.scalar(
        select(Signal)
        .where(Signal.id == signal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if signal is None:
        raise NotFound(f"Signaal {signal_id} bestaat niet.")
    if signal.status != ESCALATED:
        raise ProtocolActionError("Interventies kunnen alleen bij een opgeschaald signaal.")
    escalation, protocol = escalation_protocol(session, signal)
    if escalation is None or protocol is None or escalation.protocol_version != protocol.version:
        raise ProtocolActionError("Er is geen protocolversie bij de opschaling vastgelegd.")
    forgotten = [item.name for i in filled_not_chosen if (item := protocol.get(i)) is not None]
    if forgotten:
        raise ProtocolActionError(
            f"U vulde iets in bij '{', '.join(forgotten)}' maar vinkte die interventie niet aan. "
            "Vink haar aan, of maak de velden leeg."
        )
    if not choices:
        raise ProtocolActionError("Kies ten minste één interventie.")
    return choose_interventions(session, escalation, signal, protocol, choices, actor=actor)


@dataclass(slots=True)
class ApprovalItem:
    """One proposal waiting for a second pair of eyes, with what the approver needs to judge."""

    row: ChosenIntervention
    signal: Signal
    name: str
    legal_basis: str
    four_eyes: str
    preconditions: list[str] = field(default_factory=list)  # as the protocol version states them
    conditions_met: list[str] | None = None  # as confirmed with the proposal; None: not recorded
    own: bool = False  # proposed by the person looking: they may not decide


def _confirmed_conditions(session: Session, rows: Sequence[ChosenIntervention]) -> dict[int, list]:
    """The conditions each proposer confirmed, as recorded with the proposal (audit trail)."""
    signal_ids = sorted({str(r.signal_id) for r in rows})
    if not signal_ids:
        return {}
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "intervention.propose",
            AuditEvent.target_type == "signal",
            AuditEvent.target_id.in_(signal_ids),
        )
    )
    found: dict[int, list] = {}
    for event in events:
        details = event.details or {}
        ids = details.get("chosen_intervention_ids") or []
        names = details.get("interventions") or []
        conditions = details.get("conditions_met") or {}
        for chosen_id, intervention_id in zip(ids, names, strict=False):
            found[int(chosen_id)] = list(conditions.get(intervention_id, []))
    return found


def pending_approvals(session: Session, actor: Actor) -> list[ApprovalItem]:
    """Proposals that wait for approval by the actor's role, oldest first."""
    _require(actor, {SUPERVISOR})
    rows = session.scalars(
        select(ChosenIntervention)
        .where(ChosenIntervention.approval_status == APPROVAL_PENDING)
        .order_by(ChosenIntervention.id)
    ).all()
    confirmed = _confirmed_conditions(session, rows)
    items = []
    protocols: dict[str, Protocol | None] = {}
    for row in rows:
        signal = session.get(Signal, row.signal_id)
        if signal is None:  # deleted by retention while pending: nothing left to judge
            continue
        if row.protocol_version not in protocols:
            protocols[row.protocol_version] = version_protocol(session, row.protocol_version)
        protocol = protocols[row.protocol_version]
        item = protocol.get(row.intervention_id) if protocol else None
        items.append(
            ApprovalItem(
                row=row,
                signal=signal,
                name=item.name if item else row.intervention_id,
                legal_basis=item.legal_basis if item else "",
                four_eyes=four_eyes_text(item) if item else "",
                preconditions=list(item.preconditions) if item else [],
                conditions_met=confirmed.get(row.id),
                own=row.proposed_by.casefold() == actor.username.casefold(),
            )
        )
    return items


def decide_approval(
    session: Session, actor: Actor, chosen_id: int, *, approve: bool, note: str = ""
) -> ChosenIntervention:
    """Four eyes: approve or reject someone else's proposal."""
    _require(actor, {SUPERVISOR})
    return decide_intervention(session, chosen_id, approve=approve, actor=actor, note=note)
