"""Run the NLP layer over stored posts and keep its output (with the model version)."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

import nlp
from nlp.language import is_supported
from nlp.model_files import model_dir_in_use
from signals.config import get_settings
from signals.db.models import Enrichment, Post
from signals.switches import autotag_enabled

_BATCH = 256
# What a call or threat says is in its first screenfuls; tagging cost grows faster than length,
# so a page-long text must not hold the pipeline (hostile-input bound).
MAX_NLP_CHARS = 10_000


def nlp_text(title: str, text: str) -> str:
    """The exact string the NLP layer sees; evidence offsets index into it."""
    title, text = (title or "").strip(), (text or "").strip()
    if not title or text.startswith(title):
        return (text or title)[:MAX_NLP_CHARS]
    return f"{title}\n{text}"[:MAX_NLP_CHARS]


def enrich_posts(session: Session, post_ids: list[int]) -> list[int]:
    """Enrich the given posts that are not enriched yet; return the ids of flagged ones.

    With automated tagging switched off, posts stay unenriched (collection and manual review
    go on) and can be enriched later."""
    if not post_ids or not autotag_enabled(session):
        return []
    model_dir = model_dir_in_use(get_settings().model_dir)
    flagged: list[int] = []
    for start in range(0, len(post_ids), _BATCH):
        chunk = post_ids[start : start + _BATCH]
        posts = session.scalars(
            select(Post).where(Post.id.in_(chunk), Post.enriched.is_(False)).order_by(Post.id)
        ).all()
        if not posts:
            continue
        results = nlp.enrich(
            [nlp_text(p.title, p.text) for p in posts],
            published_at=[p.published_at or p.fetched_at for p in posts],
            model_dir=model_dir,
        )
        for post, result in zip(posts, results, strict=True):
            session.add(
                Enrichment(
                    post_id=post.id,
                    model_version=result.model_version,
                    labels={k: {"p": v.p, "flag": v.flag} for k, v in result.labels.items()},
                    flags=result.flagged,
                    places=[asdict(p) for p in result.places],
                    in_almere=result.in_almere,
                    event_time=result.event_time,
                    event_time_text=result.event_time_text,
                    evidence=[asdict(e) for e in result.evidence],
                    explanations={k: [list(t) for t in v] for k, v in result.explanations.items()},
                )
            )
            post.enriched = True
            if post.language is None and result.language:
                post.language = result.language
            # The NLP's verdict, not the collector's guess: a text whose Dutch cues matched is
            # scored as Dutch whatever langid said. False: the classifier did not score it.
            post.language_supported = is_supported(result.language)
            if result.flagged:
                flagged.append(post.id)
        session.flush()
    return flagged
