"""Bulk dismiss or monitor from the queue: one rationale, one decision per signal.

Each signal is decided on its own, with the version the analyst saw, exactly like a single
decision: a stale or no-longer-allowed one is refused, audited as refused and reported, the
others go through. `triage.decide` checks everything before it writes, so a refused signal
leaves nothing behind and needs no rollback of the others.

A signal that is still "nieuw" is first taken into review (in_review) and then decided: two
decisions, each audited, as if the analyst had done both steps on the signal page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from nlp.vocabulary import DISMISSED, IN_REVIEW, MONITORING, NEW, STATUS_NL
from signals.config import Settings
from signals.db.models import Signal
from signals.errors import DomainError, NotAllowed
from signals.services import Actor
from signals.services.assignment import ASSIGNABLE_ROLES
from signals.services.signals import active_protocol_version, reindex_after_commit
from signals.triage import (
    DISMISS_REASONS,
    MAX_RATIONALE,
    DecisionRequest,
    TriageError,
    decide,
    record_refusal,
)

BULK_ACTIONS = (DISMISSED, MONITORING)
MAX_BULK = 200


class BulkRefused(DomainError):
    status_code = 422


@dataclass(frozen=True, slots=True)
class Selected:
    signal_id: int
    version: int  # the version shown in the queue when the analyst ticked it


@dataclass(slots=True)
class BulkResult:
    to_status: str
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (signal id, Dutch reason)

    def done_message(self) -> str | None:
        """What went through, in Dutch (None: nothing did)."""
        if not self.done:
            return None
        ids = ", ".join(f"#{i}" for i in self.done)
        n = len(self.done)
        verb = STATUS_NL[self.to_status]
        return f"{n} {'signaal' if n == 1 else 'signalen'} naar „{verb}”: {ids}."

    def refused_message(self) -> str | None:
        """What was refused and why, in Dutch (None: nothing was)."""
        if not self.refused:
            return None
        return " ".join(f"Signaal #{i} niet verwerkt: {reason}" for i, reason in self.refused)


def _check(to_status: str, rationale: str, reason_code: str | None, count: int) -> None:
    if to_status not in BULK_ACTIONS:
        raise BulkRefused("Kies „afwijzen” of „volgen”.")
    if count == 0:
        raise BulkRefused("Selecteer eerst een of meer signalen.")
    if count > MAX_BULK:
        raise BulkRefused(f"Maximaal {MAX_BULK} signalen tegelijk.")
    if not rationale:
        raise BulkRefused("Een toelichting is verplicht; zij geldt voor elk gekozen signaal.")
    if len(rationale) > MAX_RATIONALE:
        raise BulkRefused(f"De toelichting is te lang (maximaal {MAX_RATIONALE}).")
    if to_status == DISMISSED and reason_code not in DISMISS_REASONS:
        raise BulkRefused("Kies een reden voor het afwijzen.")


def bulk_decide(
    session: Session,
    actor: Actor,
    settings: Settings,
    selected: list[Selected],
    to_status: str,
    rationale: str,
    reason_code: str | None,
) -> BulkResult:
    """Decide each selected signal under the active protocol version; the search index
    follows once the decisions are committed."""
    protocol_version = active_protocol_version(session)
    if actor.role not in ASSIGNABLE_ROLES:
        raise NotAllowed("Alleen analisten en supervisors besluiten over signalen.")
    rationale = (rationale or "").strip()
    reason_code = (reason_code or "").strip() or None
    if to_status != DISMISSED:
        reason_code = None
    unique = list({s.signal_id: s for s in selected}.values())
    _check(to_status, rationale, reason_code, len(unique))
    result = BulkResult(to_status)
    for item in unique:
        try:
            _decide_one(session, actor, item, to_status, rationale, reason_code, protocol_version)
        except TriageError as exc:
            record_refusal(session, item.signal_id, to_status, exc, actor=actor)
            result.refused.append((item.signal_id, str(exc)))
        else:
            result.done.append(item.signal_id)
    reindex_after_commit(session, settings, result.done)
    return result


def _decide_one(
    session: Session,
    actor: Actor,
    item: Selected,
    to_status: str,
    rationale: str,
    reason_code: str | None,
    protocol_version: str | None,
) -> None:
    common: dict[str, Any] = {
        "actor": actor,
        "protocol_version": protocol_version,
        "purpose": "triage: bulkbesluit",
    }
    version = item.version
    signal = session.get(Signal, item.signal_id)
    if signal is not None and signal.status == NEW and signal.version == version:
        review = DecisionRequest(item.signal_id, IN_REVIEW, version, rationale=rationale)
        decide(session, review, **common)
        version += 1
    request = DecisionRequest(
        item.signal_id, to_status, version, rationale=rationale, reason_code=reason_code
    )
    decide(session, request, **common)
