"""Triage decisions and label corrections: plain functions the web routes, API and CLI call.

The state machine follows DESIGN.md. `decide` only moves a signal and records the decision;
callers that need more (the protocol's chosen interventions) add rows to the returned
`Decision` in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from nlp.vocabulary import LABEL_NL, SHORTCUTS, STATUS_NL
from nlp.vocabulary import OPEN_STATUSES as OPEN_STATUSES  # re-exported for its importers
from nlp.vocabulary import TRANSITIONS as _TRANSITIONS
from signals.actor import Actor
from signals.audit import record_as
from signals.db.models import Decision, LabelCorrection, Post, Signal
from signals.db.types import utcnow
from signals.enrichment import nlp_text
from signals.errors import Conflict, DomainError, NotFound

# The state machine, the open statuses and the Dutch names live in nlp.vocabulary.
TRANSITIONS: dict[str, tuple[str, ...]] = dict(_TRANSITIONS)
# in_review is the only step that needs no written rationale (DESIGN.md).
RATIONALE_OPTIONAL: frozenset[str] = frozenset({"in_review"})

STATUS_LABELS: dict[str, str] = dict(STATUS_NL)

DISMISS_REASONS: dict[str, str] = {
    "not_relevant": "Niet relevant voor openbare orde",
    "news_report": "Nieuwsbericht of verslag, geen oproep",
    "criticism": "Gewone kritiek op de overheid",
    "counter_speech": "Tegenspraak of afkeuring",
    "outside_almere": "Niet in Almere",
    "past_event": "Gebeurtenis ligt in het verleden",
    "announced": "Aangemelde manifestatie, geen aandachtspunt",
    "duplicate": "Dubbel signaal",
    "other": "Anders (zie toelichting)",
}

LABEL_NAMES: dict[str, str] = dict(LABEL_NL)

MAX_RATIONALE = 5000


class TriageError(DomainError, ValueError):
    """A refused triage act; the message is Dutch and fit to show the analyst."""

    status_code = 422


# Each refusal is also its domain kind, so it takes that kind's HTTP status; the domain base
# comes first in the bases, before TriageError's default 422.
class NotFoundError(NotFound, TriageError):
    pass


class StaleDecisionError(Conflict, TriageError):
    pass


class InvalidTransitionError(Conflict, TriageError):
    pass


class DecisionValidationError(TriageError):
    pass


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """What a person asks when deciding on a signal: the step, and the version they saw (the
    optimistic-concurrency check). The signal page, the API and bulk triage all ask through
    this one shape; who asks, under which protocol and for which purpose travel beside it."""

    signal_id: int
    to_status: str
    expected_version: int
    rationale: str = ""
    reason_code: str | None = None


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The statuses one action can move a signal to: the state machine's next steps plus the
    shortcuts (a new signal can be escalated at once; it passes in_review on the way)."""
    direct = TRANSITIONS.get(status, ())
    return direct + tuple(t for t in SHORTCUTS.get(status, {}) if t not in direct)


def steps_to(status: str, to_status: str) -> tuple[str, ...]:
    """The statuses a signal passes, in order, when one action moves it from `status` to
    `to_status`: one step, or a shortcut's several."""
    return tuple(SHORTCUTS.get(status, {}).get(to_status, (to_status,)))


def decide(
    session: Session,
    request: DecisionRequest,
    *,
    actor: Actor,
    protocol_version: str | None = None,
    purpose: str = "triage",
) -> Decision:
    """Move a signal to `request.to_status` if it is still at `request.expected_version`.

    The version check is a conditional UPDATE, so two analysts deciding at once cannot both
    win even across processes: the second sees zero rows updated and is refused. A shortcut
    (escalating a new signal) is one call that records each step it passes as its own
    decision and audit entry, in the caller's one transaction; the rationale and reason belong
    to the last step. Returns the last step's decision."""
    signal_id, to_status = request.signal_id, request.to_status
    signal = session.get(Signal, signal_id)
    if signal is None:
        raise NotFoundError(f"Signaal {signal_id} bestaat niet.")
    rationale = (request.rationale or "").strip()
    reason_code = (request.reason_code or "").strip() or None
    # Staleness first: a decision taken on an outdated page is refused as such, whatever it says.
    if signal.version != request.expected_version:
        raise StaleDecisionError(_stale_message(signal))
    _validate(signal, to_status, rationale, reason_code)
    steps = steps_to(signal.status, to_status)
    decision: Decision | None = None
    for step in steps:
        last = step == steps[-1]
        decision = _step(
            session,
            signal,
            step,
            actor=actor,
            rationale=rationale if last else "",
            reason_code=reason_code if last else None,
            protocol_version=protocol_version,
            purpose=purpose,
            action_of=to_status if len(steps) > 1 else None,
        )
    assert decision is not None  # steps_to never returns an empty path
    return decision


def _step(
    session: Session,
    signal: Signal,
    to_status: str,
    *,
    actor: Actor,
    rationale: str,
    reason_code: str | None,
    protocol_version: str | None,
    purpose: str,
    action_of: str | None,
) -> Decision:
    """One transition of the state machine: the conditional update, its decision, its audit."""
    from_status, version = signal.status, signal.version
    result = session.execute(
        update(Signal)
        .where(Signal.id == signal.id, Signal.version == version)
        .values(status=to_status, version=version + 1, last_activity_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(signal)
        raise StaleDecisionError(_stale_message(signal))
    session.refresh(signal)
    decision = Decision(
        signal_id=signal.id,
        from_status=from_status,
        to_status=to_status,
        actor=actor.username,
        reason_code=reason_code,
        rationale=rationale,
        protocol_version=protocol_version,
    )
    session.add(decision)
    session.flush()
    details = {
        "decision_id": decision.id,
        "from": from_status,
        "to": to_status,
        "reason_code": reason_code,
        "protocol_version": protocol_version,
        "version": signal.version,
    }
    if action_of is not None:
        details["one_action_to"] = action_of  # a step of a shortcut, e.g. new -> escalated
    record_as(
        session, actor, action="signal.decide", target_type="signal",
        target_id=signal.id, purpose=purpose, details=details,
    )
    return decision


def record_refusal(
    session: Session,
    signal_id: int,
    to_status: str,
    error: TriageError,
    *,
    actor: Actor,
) -> None:
    """A refused decision is an act too: audit it (after the caller rolled back the attempt)."""
    record_as(
        session, actor, action="signal.decide.refused",
        target_type="signal", target_id=signal_id, purpose="triage",
        details={
            "to": to_status,
            "stale": isinstance(error, StaleDecisionError),
            "reason": type(error).__name__,
        },
    )


def _stale_message(signal: Signal) -> str:
    return (
        "Dit signaal is intussen door iemand anders gewijzigd (nu: "
        f"{STATUS_LABELS.get(signal.status, signal.status)}). Uw besluit is niet opgeslagen; "
        "laad de pagina opnieuw en bekijk de nieuwe stand voordat u opnieuw besluit."
    )


def _validate(signal: Signal, to_status: str, rationale: str, reason_code: str | None) -> None:
    if to_status not in STATUS_LABELS:
        raise DecisionValidationError(f"Onbekende status '{to_status}'.")
    if to_status not in allowed_transitions(signal.status):
        allowed = ", ".join(STATUS_LABELS[s] for s in allowed_transitions(signal.status))
        raise InvalidTransitionError(
            f"Van '{STATUS_LABELS.get(signal.status, signal.status)}' naar "
            f"'{STATUS_LABELS[to_status]}' is geen toegestane stap."
            + (f" Mogelijk: {allowed}." if allowed else " Dit signaal is afgehandeld.")
        )
    if len(rationale) > MAX_RATIONALE:
        raise DecisionValidationError(f"De toelichting is te lang (maximaal {MAX_RATIONALE}).")
    if to_status not in RATIONALE_OPTIONAL and not rationale:
        raise DecisionValidationError(
            f"Een toelichting is verplicht bij '{STATUS_LABELS[to_status]}'."
        )
    if to_status == "dismissed":
        if reason_code is None:
            raise DecisionValidationError("Kies een reden voor het afwijzen.")
        if reason_code not in DISMISS_REASONS:
            raise DecisionValidationError(f"Onbekende reden '{reason_code}'.")
    elif reason_code is not None and reason_code not in DISMISS_REASONS:
        raise DecisionValidationError(f"Onbekende reden '{reason_code}'.")


def correct_label(
    session: Session,
    post_id: int,
    label: str,
    value: bool,
    *,
    actor: Actor,
    note: str = "",
) -> LabelCorrection:
    """Record an analyst's judgement of one label on one post (training data)."""
    if label not in LABEL_NAMES:
        raise DecisionValidationError(f"Onbekend label '{label}'.")
    post = session.get(Post, post_id)
    if post is None:
        raise NotFoundError(f"Bericht {post_id} bestaat niet.")
    correction = LabelCorrection(
        post_id=post_id,
        text=nlp_text(post.title, post.text),
        label=label,
        value=bool(value),
        actor=actor.username,
        note=(note or "").strip()[:MAX_RATIONALE],
    )
    session.add(correction)
    session.flush()
    record_as(
        session, actor, action="label.correct", target_type="post",
        target_id=post_id, purpose="labelcorrectie (trainingsdata)",
        details={"correction_id": correction.id, "label": label, "value": bool(value)},
    )
    return correction
