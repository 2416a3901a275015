"""Label corrections: an analyst's "klopt wel" / "klopt niet" on one label of one post.

A correction is training data (signals.retrain), and it is also a judgement about the signal the
post is in: the signal's types, title and severity are recomputed with the analyst's judgement
in place of the model's, the change is audited on the signal, and the signal page shows both the
model's score and the correction. The model's own output (the enrichment) is never rewritten:
what the model said stays visible next to what the analyst said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import ANALYST, LABEL_NL, LABELS, OPEN_STATUSES, SUPERVISOR
from signals import triage
from signals.config import Settings
from signals.db.models import AuditEvent, Enrichment, LabelCorrection, Signal, SignalPost
from signals.db.types import utcnow
from signals.detection.lifecycle import refresh_signals
from signals.errors import DomainError, NotAllowed
from signals.services import Actor, record_as
from signals.services.signals import reindex_after_commit

# An analyst's judgement replaces the model's probability: "no" counts as 0, "yes" as certain.
JUDGED_P = {False: 0.0, True: 1.0}
RESCORE_ACTION = "signal.rescore"
# Who reads post content, and so may judge its labels (DESIGN.md, roles).
CORRECTING_ROLES = frozenset({ANALYST, SUPERVISOR})


class CorrectionRefused(DomainError):
    """A refused correction (unknown label, unknown post)."""


@dataclass(frozen=True, slots=True)
class Rescored:
    """What one correction did to one signal."""

    signal_id: int
    severity_before: float
    severity_after: float
    types_before: tuple[str, ...]
    types_after: tuple[str, ...]
    version: int

    @property
    def no_type_left(self) -> bool:
        return not self.types_after


@dataclass(frozen=True, slots=True)
class CorrectionOutcome:
    correction: LabelCorrection
    rescored: tuple[Rescored, ...]


@dataclass(frozen=True, slots=True)
class CorrectionView:
    """One correction as the signal page shows it (on the post and in the history)."""

    id: int
    post_id: int | None
    label: str
    label_name: str
    value: bool
    actor: str
    note: str
    created_at: datetime
    model_p: float | None
    model_flag: bool | None
    severity_before: float | None = None
    severity_after: float | None = None

    @property
    def summary(self) -> str:
        """Dutch, plain: what the analyst said about the model's judgement."""
        if self.value and self.model_flag:
            return f"door analist bevestigd: wel {self.label_name}"
        if self.value:
            return f"door analist gecorrigeerd: wel {self.label_name}"
        if self.model_flag is False:
            return f"door analist bevestigd: geen {self.label_name}"
        return f"door analist gecorrigeerd: geen {self.label_name}"


def correct_label(
    session: Session,
    actor: Actor,
    post_id: int,
    label: str,
    value: bool,
    *,
    note: str = "",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> CorrectionOutcome:
    """Record the correction (audited as `label.correct`) and re-score every open signal the
    post is in (audited as `signal.rescore`). A signal left without a flagged type stays open:
    only a person closes a signal, with a decision. With `settings`, the re-scored signals are
    re-indexed once the act has committed."""
    if actor.role not in CORRECTING_ROLES:
        raise NotAllowed("Alleen analisten en supervisors beoordelen labels.")
    try:
        correction = triage.correct_label(
            session, post_id, label, bool(value), actor=actor, note=note
        )
    except triage.TriageError as exc:
        refused = CorrectionRefused(str(exc))
        refused.status_code = exc.status_code
        raise refused from exc
    now = now or utcnow()
    signal_ids = session.scalars(
        select(SignalPost.signal_id).where(SignalPost.post_id == post_id)
    ).all()
    rescored = []
    for signal in session.scalars(
        select(Signal)
        .where(Signal.id.in_(signal_ids), Signal.status.in_(OPEN_STATUSES))
        .order_by(Signal.id)
    ).all():
        outcome = rescore(session, signal, now=now)
        record_as(
            session, actor, action=RESCORE_ACTION, target_type="signal", target_id=signal.id,
            purpose="labelcorrectie",
            details={
                "correction_id": correction.id,
                "post_id": post_id,
                "label": label,
                "value": bool(value),
                "severity_before": outcome.severity_before,
                "severity_after": outcome.severity_after,
                "types_before": list(outcome.types_before),
                "types_after": list(outcome.types_after),
                "version": outcome.version,
            },
        )
        rescored.append(outcome)
    if settings is not None:
        reindex_after_commit(session, settings, [r.signal_id for r in rescored])
    return CorrectionOutcome(correction=correction, rescored=tuple(rescored))


def judged_labels(
    session: Session, post_ids: list[int]
) -> tuple[dict[int, Enrichment], dict[int, dict[str, LabelCorrection]]]:
    """The newest enrichment of each post and the newest correction per post and label."""
    newest: dict[int, Enrichment] = {}
    for enrichment in session.scalars(
        select(Enrichment).where(Enrichment.post_id.in_(post_ids)).order_by(Enrichment.id)
    ):
        newest[enrichment.post_id] = enrichment
    judged: dict[int, dict[str, LabelCorrection]] = {}
    for correction in session.scalars(
        select(LabelCorrection)
        .where(LabelCorrection.post_id.in_(post_ids))
        .order_by(LabelCorrection.id)
    ):
        judged.setdefault(correction.post_id or 0, {})[correction.label] = correction
    return newest, judged


def _model_p(enrichment: Enrichment | None, label: str) -> tuple[float, bool]:
    if enrichment is None:
        return 0.0, False
    score = (enrichment.labels or {}).get(label)
    if not isinstance(score, dict):
        return 0.0, False
    try:
        p = float(score.get("p", 0.0))
    except (TypeError, ValueError):
        p = 0.0
    # As detection reads a post: the enrichment's flag list, else the per-label flag.
    flags = [f for f in (enrichment.flags or []) if isinstance(f, str)]
    return p, (label in flags) if flags else bool(score.get("flag"))


def rescore(session: Session, signal: Signal, *, now: datetime | None = None) -> Rescored:
    """Recompute a signal's types and label probabilities from its posts, with the analysts'
    judgements in place of the model's, then let detection's own refresh recompute notification,
    severity and title. The version is bumped when anything visible changed, so a decision taken
    on the old page is refused as stale."""
    post_ids = list(
        session.scalars(select(SignalPost.post_id).where(SignalPost.signal_id == signal.id))
    )
    newest, judged = judged_labels(session, post_ids)
    probabilities = {name: 0.0 for name in LABELS}
    flagged: set[str] = set()
    for post_id in post_ids:
        for name in LABELS:
            p, flag = _model_p(newest.get(post_id), name)
            correction = judged.get(post_id, {}).get(name)
            if correction is not None:
                p, flag = JUDGED_P[bool(correction.value)], bool(correction.value)
            probabilities[name] = max(probabilities[name], p)
            if flag:
                flagged.add(name)
    before_types = tuple(signal.types or [])
    before_severity = float(signal.severity or 0.0)
    before_version = signal.version or 1
    # Keep the order the types were found in; a type an analyst added goes last.
    types = [t for t in before_types if t in flagged]
    types += [t for t in LABELS if t in flagged and t not in types]
    signal.types = types
    breakdown: dict[str, Any] = dict(signal.severity_breakdown or {})
    breakdown["labels"] = {name: round(p, 4) for name, p in probabilities.items()}
    signal.severity_breakdown = breakdown
    refresh_signals(session, [signal.id], now=now)
    if tuple(types) != before_types and (signal.version or 1) == before_version:
        signal.version = before_version + 1
    session.flush()
    return Rescored(
        signal_id=signal.id,
        severity_before=round(before_severity, 4),
        severity_after=round(float(signal.severity or 0.0), 4),
        types_before=before_types,
        types_after=tuple(types),
        version=signal.version or 1,
    )


def signal_corrections(session: Session, signal_id: int) -> list[CorrectionView]:
    """Every correction of a post in this signal, oldest first, with the model's score it
    corrected and the severity change it caused on this signal (from the audit trail)."""
    post_ids = list(
        session.scalars(select(SignalPost.post_id).where(SignalPost.signal_id == signal_id))
    )
    if not post_ids:
        return []
    newest, _judged = judged_labels(session, post_ids)
    effects: dict[Any, dict[str, Any]] = {}
    for event in session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == RESCORE_ACTION,
            AuditEvent.target_type == "signal",
            AuditEvent.target_id == str(signal_id),
        )
    ):
        details = event.details or {}
        effects[details.get("correction_id")] = details
    views = []
    for correction in session.scalars(
        select(LabelCorrection)
        .where(LabelCorrection.post_id.in_(post_ids))
        .order_by(LabelCorrection.id)
    ):
        p, flag = _model_p(newest.get(correction.post_id or 0), correction.label)
        enrichment_known = correction.post_id in newest
        effect = effects.get(correction.id, {})
        views.append(
            CorrectionView(
                id=correction.id,
                post_id=correction.post_id,
                label=correction.label,
                label_name=LABEL_NL.get(correction.label, correction.label),
                value=bool(correction.value),
                actor=correction.actor,
                note=correction.note or "",
                created_at=correction.created_at,
                model_p=p if enrichment_known else None,
                model_flag=flag if enrichment_known else None,
                severity_before=effect.get("severity_before"),
                severity_after=effect.get("severity_after"),
            )
        )
    return views


def latest_by_post(views: list[CorrectionView]) -> dict[int, dict[str, CorrectionView]]:
    """The newest correction per post and label: the one the post shows."""
    out: dict[int, dict[str, CorrectionView]] = {}
    for view in views:
        if view.post_id is not None:
            out.setdefault(view.post_id, {})[view.label] = view
    return out
