"""The model's feedback figures: how analysts judged its labels, per label.

Each post-and-label pair counts once, by its newest correction (an analyst who clicks twice, or
a colleague who corrects a correction, does not count double). The analyst's judgement is set
against the model's flag on that post: agreeing, a false alarm (flagged, analyst says no) or a
miss (not flagged, analyst says yes). The model card page shows these figures and the weekly
retraining records them with its outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import LABEL_NL, LABELS
from signals.audit_names import format_value
from signals.db.models import AuditEvent, Enrichment, LabelCorrection


@dataclass(frozen=True, slots=True)
class LabelFeedback:
    label: str
    name: str  # Dutch
    confirmed: int = 0  # model flagged, analyst agrees
    false_alarms: int = 0  # model flagged, analyst says no
    missed: int = 0  # model did not flag, analyst says yes
    rightly_unflagged: int = 0  # model did not flag, analyst agrees
    unknown: int = 0  # the post (and so the model's flag) is gone, e.g. after retention

    @property
    def total(self) -> int:
        return (
            self.confirmed + self.false_alarms + self.missed + self.rightly_unflagged + self.unknown
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "confirmed": self.confirmed,
            "false_alarms": self.false_alarms,
            "missed": self.missed,
            "rightly_unflagged": self.rightly_unflagged,
            "unknown": self.unknown,
            "total": self.total,
        }


def _flag(enrichment: Enrichment | None, label: str) -> bool | None:
    if enrichment is None:
        return None
    flags = [f for f in (enrichment.flags or []) if isinstance(f, str)]
    if flags:
        return label in flags
    score = (enrichment.labels or {}).get(label)
    return bool(score.get("flag")) if isinstance(score, dict) else False


def label_feedback(session: Session, *, since: datetime | None = None) -> list[LabelFeedback]:
    """Per label (in vocabulary order), the analysts' corrections against the model's flags."""
    query = select(LabelCorrection).order_by(LabelCorrection.id)
    if since is not None:
        query = query.where(LabelCorrection.created_at >= since)
    newest: dict[tuple[object, str], LabelCorrection] = {}
    for correction in session.scalars(query):
        # Posts deleted by retention leave post_id empty; their copied text still identifies them.
        key = correction.post_id if correction.post_id is not None else correction.text
        newest[(key, correction.label)] = correction
    post_ids = {c.post_id for c in newest.values() if c.post_id is not None}
    enrichments: dict[int, Enrichment] = {}
    if post_ids:
        for enrichment in session.scalars(
            select(Enrichment).where(Enrichment.post_id.in_(post_ids)).order_by(Enrichment.id)
        ):
            enrichments[enrichment.post_id] = enrichment
    counts = {
        label: dict.fromkeys(
            ("confirmed", "false_alarms", "missed", "rightly_unflagged", "unknown"), 0
        )
        for label in LABELS
    }
    for correction in newest.values():
        if correction.label not in counts:
            continue
        flag = _flag(enrichments.get(correction.post_id or 0), correction.label)
        if flag is None:
            bucket = "unknown"
        elif flag:
            bucket = "confirmed" if correction.value else "false_alarms"
        else:
            bucket = "missed" if correction.value else "rightly_unflagged"
        counts[correction.label][bucket] += 1
    return [LabelFeedback(label=label, name=LABEL_NL[label], **counts[label]) for label in LABELS]


def feedback_summary(session: Session) -> dict[str, dict[str, int]]:
    """The figures as plain data, for the audit record of a retraining."""
    return {row.label: row.as_dict() for row in label_feedback(session)}


# The weekly retrain's outcome, as signals.retrain records it in the audit log.
MODEL_PROMOTE, MODEL_KEEP = "model.promote", "model.keep"


@dataclass(frozen=True, slots=True)
class RetrainOutcome:
    at: datetime
    promoted: bool
    # Why the challenger was kept out, each in Dutch (nlp.shipping_rule.Finding as recorded).
    reasons: list[str]


def last_retrain(session: Session) -> RetrainOutcome | None:
    """The latest weekly retrain's outcome, so that the model page says whether the analysts'
    corrections are in the model in use, and if not, why."""
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_((MODEL_PROMOTE, MODEL_KEEP)))
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    if event is None:
        return None
    reasons = (event.details or {}).get("reasons") or []
    return RetrainOutcome(at=event.ts, promoted=event.action == MODEL_PROMOTE,
                          reasons=[format_value("reasons", r) for r in reasons])
