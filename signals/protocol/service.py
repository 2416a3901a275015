"""The protocol in use: activation, suggestions, choices and four-eyes approval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nlp.vocabulary import (
    APPROVAL_NL,
    APPROVAL_NOT_REQUIRED,
    APPROVAL_PENDING,
    APPROVAL_STANDING,
    APPROVED,
    REJECTED,
    ROLE_NL,
)
from signals.actor import Actor
from signals.audit import record_as
from signals.auth import four_eyes_conflict
from signals.db.models import ChosenIntervention, Decision, ProtocolVersion, Signal
from signals.db.types import utcnow
from signals.errors import DomainError
from signals.protocol.loader import file_sha256, load_protocol_file
from signals.protocol.model import Intervention, Protocol
from signals.protocol.ranking import unavailable_reason


class ProtocolActionError(DomainError, PermissionError):
    """A protocol act that the rules do not allow; the message is Dutch and shown to the user.
    (A PermissionError too, for the callers that caught it as one before services existed.)"""

    status_code = 409


class ProtocolNotFound(ProtocolActionError):
    status_code = 404


def activate(session: Session, path: Path, *, actor: Actor) -> ProtocolVersion:
    if actor.role not in {"supervisor", "admin"}:
        raise ProtocolActionError("Alleen een supervisor mag een protocolversie activeren.")
    protocol = load_protocol_file(path)
    content = protocol.model_dump(mode="json")
    digest = file_sha256(path)
    row = session.scalar(
        select(ProtocolVersion).where(ProtocolVersion.version_id == protocol.version)
    )
    if row is not None and row.file_sha256 != digest:
        raise ProtocolActionError(
            f"Versie {protocol.version} is al eerder met andere inhoud geactiveerd; "
            "geef een gewijzigd protocol een nieuw versienummer."
        )
    previous = active_version(session)
    session.execute(update(ProtocolVersion).values(active=False))
    if row is None:
        row = ProtocolVersion(
            version_id=protocol.version,
            effective_date=protocol.effective_date.isoformat(),
            content=content,
            file_sha256=digest,
        )
        session.add(row)
    row.active = True
    row.activated_at = utcnow()
    row.activated_by = actor.username
    record_as(
        session, actor, action="protocol.activate",
        target_type="protocol", target_id=protocol.version, purpose="protocolwijziging",
        details={"previous": previous.version_id if previous else None, "sha256": digest},
    )
    return row


def active_version(session: Session) -> ProtocolVersion | None:
    return session.scalar(select(ProtocolVersion).where(ProtocolVersion.active.is_(True)))


def protocol_of(row: ProtocolVersion) -> Protocol:
    return Protocol.model_validate(row.content)


def version_protocol(session: Session, version_id: str) -> Protocol | None:
    row = session.scalar(select(ProtocolVersion).where(ProtocolVersion.version_id == version_id))
    return protocol_of(row) if row else None


@dataclass(frozen=True, slots=True)
class Choice:
    """One intervention a person chooses: their proportionality weighing and which of the
    intervention's legal conditions (indexes into its `preconditions`) they found met."""

    intervention_id: str
    note: str
    conditions_met: frozenset[int] = frozenset()


def standing_choices(session: Session, signal_id: int) -> dict[str, ChosenIntervention]:
    """The interventions already chosen for a signal that still stand (not rejected)."""
    rows = session.scalars(
        select(ChosenIntervention)
        .where(
            ChosenIntervention.signal_id == signal_id,
            ChosenIntervention.approval_status.in_(APPROVAL_STANDING),
        )
        .order_by(ChosenIntervention.id)
    )
    return {row.intervention_id: row for row in rows}


def _check_choice(
    protocol: Protocol, choice: Choice, standing: dict[str, ChosenIntervention]
) -> Intervention:
    item = protocol.get(choice.intervention_id)
    if item is None:
        raise ProtocolActionError(
            f"Interventie {choice.intervention_id!r} hoort niet bij protocol {protocol.version}."
        )
    if (why := unavailable_reason(item)) is not None:
        raise ProtocolActionError(f"Interventie '{item.name}' kan niet gekozen worden: {why}.")
    if (earlier := standing.get(item.id)) is not None:
        raise ProtocolActionError(
            f"'{item.name}' is al gekozen ({APPROVAL_NL[earlier.approval_status]}); "
            "u kunt het niet nog eens kiezen."
        )
    if not choice.note.strip():
        raise ProtocolActionError(f"Geef een proportionaliteitsafweging voor '{item.name}'.")
    missing = [
        text for index, text in enumerate(item.preconditions) if index not in choice.conditions_met
    ]
    if missing:
        raise ProtocolActionError(
            f"'{item.name}' kan alleen als aan elke voorwaarde is voldaan. Vink aan wat u heeft "
            f"vastgesteld; nog niet aangevinkt: {'; '.join(missing)}."
        )
    return item


def choose_interventions(
    session: Session,
    decision: Decision,
    signal: Signal,
    protocol: Protocol,
    chosen: Sequence[Choice],
    *,
    actor: Actor,
) -> list[ChosenIntervention]:
    """Record the chosen interventions for an escalation, all or none.

    No score decides here: any intervention the protocol makes available may be recorded, by a
    person who states that each of its legal conditions is met and weighs its proportionality.
    The conditions they confirmed go into the audit entry, with the texts they saw."""
    standing = standing_choices(session, signal.id)
    seen: set[str] = set()
    checked = []
    # Every choice is checked before any is added: a refusal leaves nothing half-recorded.
    for choice in chosen:
        if choice.intervention_id in seen:
            raise ProtocolActionError("Een interventie staat twee keer in uw keuze.")
        seen.add(choice.intervention_id)
        checked.append((choice, _check_choice(protocol, choice, standing)))
    rows, confirmed = [], {}
    for choice, item in checked:
        approver = item.approver_role
        row = ChosenIntervention(
            decision=decision,
            signal_id=signal.id,
            intervention_id=item.id,
            protocol_version=protocol.version,
            proportionality_note=choice.note.strip(),
            proposed_by=actor.username,
            approval_status=APPROVAL_PENDING if approver else APPROVAL_NOT_REQUIRED,
            approver_role=approver,
        )
        session.add(row)
        rows.append(row)
        confirmed[item.id] = list(item.preconditions)
    session.flush()
    if rows:
        record_as(
            session, actor, action="intervention.propose",
            target_type="signal", target_id=signal.id, purpose="escalatie",
            details={
                "interventions": [r.intervention_id for r in rows],
                "chosen_intervention_ids": [r.id for r in rows],
                "conditions_met": confirmed,
                "protocol_version": protocol.version,
                "decision_id": decision.id,
            },
        )
    return rows


def decide_intervention(
    session: Session,
    chosen_id: int,
    *,
    approve: bool,
    actor: Actor,
    note: str = "",
) -> ChosenIntervention:
    """Four eyes: the approver holds the required role and is not the proposer."""
    row = session.get(ChosenIntervention, chosen_id)
    if row is None:
        raise ProtocolNotFound("Onbekende interventie.")
    if row.approval_status != APPROVAL_PENDING:
        raise ProtocolActionError("Over deze interventie is al besloten.")
    if actor.username.casefold() == row.proposed_by.casefold():
        raise ProtocolActionError(
            "Vier ogen: u kunt uw eigen voorstel niet goedkeuren of afwijzen."
        )
    # Persons, not names: no account the proposer created or can still log in as.
    conflict = four_eyes_conflict(session, row.proposed_by, actor.username)
    if conflict:
        raise ProtocolActionError(f"Vier ogen: een andere persoon moet besluiten ({conflict})")
    if actor.role != row.approver_role:
        role = ROLE_NL.get(row.approver_role or "", row.approver_role)
        raise ProtocolActionError(f"Alleen de rol {role} mag hierover besluiten.")
    row.approval_status = APPROVED if approve else REJECTED
    row.decided_by = actor.username
    row.decided_at = utcnow()
    row.decision_note = note.strip() or None
    record_as(
        session, actor,
        action="intervention.approve" if approve else "intervention.reject",
        target_type="signal", target_id=row.signal_id, purpose="vier-ogen-toets",
        details={
            "chosen_intervention_id": row.id,
            "intervention": row.intervention_id,
            "protocol_version": row.protocol_version,
        },
    )
    return row
