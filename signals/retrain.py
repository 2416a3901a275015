"""Weekly retraining: a challenger from the corpus plus analysts' label corrections, promoted
only if it is no worse than the champion on any label of the frozen test split. Audited."""

from __future__ import annotations

import shutil
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.model_files import DEFAULT_MODEL_DIR
from nlp.training import retrain_with_corrections
from nlp.types import LABELS
from signals.audit import record
from signals.config import Settings, get_settings
from signals.db.models import Enrichment, LabelCorrection
from signals.db.session import get_engine, session_scope
from signals.services.feedback import MODEL_KEEP, MODEL_PROMOTE, feedback_summary


def corrections_as_examples(session: Session) -> list[dict]:
    """One training example per corrected text: the model's flags, overridden by the analysts'
    corrections (the newest correction of a label wins)."""
    examples: dict[str, dict] = {}
    latest: dict[tuple[str, str], LabelCorrection] = {}
    for correction in session.scalars(select(LabelCorrection).order_by(LabelCorrection.id)):
        latest[(correction.text, correction.label)] = correction
    by_text: dict[str, list[LabelCorrection]] = defaultdict(list)
    for correction in latest.values():
        by_text[correction.text].append(correction)
    for text, corrections in by_text.items():
        post_id = next((c.post_id for c in corrections if c.post_id is not None), None)
        flags: set[str] = set()
        if post_id is not None:
            newest = session.scalar(
                select(Enrichment)
                .where(Enrichment.post_id == post_id)
                .order_by(Enrichment.id.desc())
                .limit(1)
            )
            flags = set(newest.flags) if newest else set()
        labels = {label: label in flags for label in LABELS}
        labels.update({c.label: c.value for c in corrections if c.label in LABELS})
        examples[text] = {
            "id": f"c{min(c.id for c in corrections)}",
            "text": text,
            "labels": labels,
        }
    return list(examples.values())


def ensure_model_dir(settings: Settings) -> None:
    """Seed the writable model directory with the packaged model (the first champion)."""
    if not any(settings.model_dir.glob("*.skops")):
        settings.model_dir.mkdir(parents=True, exist_ok=True)
        for path in DEFAULT_MODEL_DIR.iterdir():
            if path.is_file():
                shutil.copy2(path, settings.model_dir / path.name)


def retrain_and_promote(*, c_grid: tuple[float, ...] | None = None) -> dict:
    """Train a challenger on the corpus (SIGNALS_CORPUS_DIR) plus the analysts' corrections,
    compare it with the champion in SIGNALS_MODEL_DIR on that corpus's frozen test split, promote
    it if it is no worse on any label, and audit the outcome. `c_grid` narrows the search over
    C (tests); by default the training recipe's grid is used."""

    settings = get_settings()
    ensure_model_dir(settings)
    engine = get_engine(settings.database_url)
    with session_scope(engine) as session:
        corrections = corrections_as_examples(session)
        feedback = feedback_summary(session)
    grid = {"c_grid": tuple(c_grid)} if c_grid else {}
    result = retrain_with_corrections(
        corrections,
        corpus_dir=settings.corpus_dir,
        model_dir=settings.model_dir,
        promote_if_better=True,
        **grid,
    )
    with session_scope(engine) as session:
        record(
            session,
            actor="system:retrain",
            action=MODEL_PROMOTE if result.promoted else MODEL_KEEP,
            target_type="model",
            target_id=result.challenger_version if result.promoted else result.champion_version,
            purpose="wekelijkse hertraining",
            details={
                "champion": result.champion_version,
                "challenger": result.challenger_version,
                "champion_scores": result.champion,
                "challenger_scores": result.challenger,
                "corrections": len(corrections),
                # The analysts' judgements per label against the model's flags.
                "feedback": feedback,
                "promoted": result.promoted,
                # Why a challenger was kept out: F1 lost, or a precondition of the shipping rule.
                "reasons": result.reasons,
            },
        )
    return result.to_dict()
