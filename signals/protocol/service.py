"""The protocol in use: activation, suggestions, choices and four-eyes approval."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from signals.audit import record
from signals.auth import four_eyes_conflict
from signals.db.models import ChosenIntervention, Decision, ProtocolVersion, Signal
from signals.db.types import utcnow
from signals.protocol.loader import file_sha256, load_protocol_file
from signals.protocol.model import Intervention, Protocol


class ProtocolActionError(PermissionError):
    """A protocol act that the rules do not allow; the message is Dutch and shown to the user."""


def activate(session: Session, path: Path, *, actor: str, actor_role: str) -> ProtocolVersion:
    if actor_role not in {"supervisor", "admin"}:
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
    row.activated_by = actor
    record(
        session,
        actor=actor,
        actor_role=actor_role,
        action="protocol.activate",
        target_type="protocol",
        target_id=protocol.version,
        purpose="protocolwijziging",
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
class Suggestion:
    intervention: Intervention
    selectable: bool
    reason: str | None  # why it cannot be chosen, in Dutch


def suggestions(protocol: Protocol, signal: Signal) -> list[Suggestion]:
    """Interventions of the protocol that apply to this signal's types and severity.

    Pending and unavailable powers are listed (analysts must see they exist and why not) but
    are never selectable."""
    out = []
    for item in protocol.interventions:
        if not set(item.applies_to) & set(signal.types):
            continue
        if not item.can_be_chosen:
            out.append(
                Suggestion(item, False, "Bevoegdheid niet beschikbaar of nog niet in werking")
            )
        elif signal.severity < item.min_severity:
            out.append(Suggestion(item, False, f"Ernst lager dan {item.min_severity:.2f}"))
        else:
            out.append(Suggestion(item, True, None))
    return out


def choose_interventions(
    session: Session,
    decision: Decision,
    signal: Signal,
    protocol: Protocol,
    chosen: list[tuple[str, str]],
    *,
    actor: str,
    actor_role: str,
) -> list[ChosenIntervention]:
    """Record (intervention id, proportionality note) pairs for an escalation."""
    allowed = {s.intervention.id: s for s in suggestions(protocol, signal)}
    rows = []
    for intervention_id, note in chosen:
        suggestion = allowed.get(intervention_id)
        if suggestion is None:
            raise ProtocolActionError(
                f"Interventie {intervention_id!r} hoort niet bij protocol {protocol.version} "
                "voor dit signaal."
            )
        if not suggestion.selectable:
            raise ProtocolActionError(
                f"Interventie '{suggestion.intervention.name}' kan niet gekozen worden: "
                f"{suggestion.reason}."
            )
        if not note.strip():
            raise ProtocolActionError(
                f"Geef een proportionaliteitsafweging voor '{suggestion.intervention.name}'."
            )
        approver = suggestion.intervention.approver_role
        row = ChosenIntervention(
            decision=decision,
            signal_id=signal.id,
            intervention_id=intervention_id,
            protocol_version=protocol.version,
            proportionality_note=note.strip(),
            proposed_by=actor,
            approval_status="pending" if approver else "not_required",
            approver_role=approver,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    if rows:
        record(
            session,
            actor=actor,
            actor_role=actor_role,
            action="intervention.propose",
            target_type="signal",
            target_id=signal.id,
            purpose="escalatie",
            details={
                "interventions": [r.intervention_id for r in rows],
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
    actor: str,
    actor_role: str,
    note: str = "",
) -> ChosenIntervention:
    """Four eyes: the approver holds the required role and is not the proposer."""
    row = session.get(ChosenIntervention, chosen_id)
    if row is None:
        raise ProtocolActionError("Onbekende interventie.")
    if row.approval_status != "pending":
        raise ProtocolActionError("Over deze interventie is al besloten.")
    if actor.casefold() == row.proposed_by.casefold():
        raise ProtocolActionError(
            "Vier ogen: u kunt uw eigen voorstel niet goedkeuren of afwijzen."
        )
    # Persons, not names: no account the proposer created or can still log in as.
    conflict = four_eyes_conflict(session, row.proposed_by, actor)
    if conflict:
        raise ProtocolActionError(f"Vier ogen: een andere persoon moet besluiten ({conflict})")
    if actor_role != row.approver_role:
        raise ProtocolActionError(f"Alleen de rol {row.approver_role} mag hierover besluiten.")
    row.approval_status = "approved" if approve else "rejected"
    row.decided_by = actor
    row.decided_at = utcnow()
    row.decision_note = note.strip() or None
    record(
        session,
        actor=actor,
        actor_role=actor_role,
        action="intervention.approve" if approve else "intervention.reject",
        target_type="signal",
        target_id=row.signal_id,
        purpose="vier-ogen-toets",
        details={
            "chosen_intervention_id": row.id,
            "intervention": row.intervention_id,
            "protocol_version": row.protocol_version,
        },
    )
    return row
