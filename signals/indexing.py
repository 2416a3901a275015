"""Mirror the system of record into the search index (never the other way round)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from signals.db.models import Enrichment, Post, Signal, SignalPost
from signals.records import from_attributes
from signals.search.base import PostDoc, SearchBackend, SignalDoc

_BATCH = 500


def _chunks(ids: Iterable[int], size: int = _BATCH) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def post_docs(session: Session, post_ids: list[int]) -> list[PostDoc]:
    posts = session.scalars(
        select(Post).where(Post.id.in_(post_ids)).options(selectinload(Post.enrichments))
    ).all()
    docs = []
    for post in posts:
        newest: Enrichment | None = max(post.enrichments, key=lambda e: e.id, default=None)
        district = next(
            (p.get("district") for p in (newest.places if newest else []) if p.get("district")),
            None,
        )
        docs.append(
            from_attributes(
                PostDoc, post,
                collected_at=post.fetched_at,
                labels=list(newest.flags) if newest else [],
                district=district,
                in_almere=newest.in_almere if newest else None,
            )
        )
    return docs


def signal_docs(session: Session, signal_ids: list[int]) -> list[SignalDoc]:
    signals = session.scalars(
        select(Signal)
        .where(Signal.id.in_(signal_ids))
        .options(selectinload(Signal.posts).selectinload(SignalPost.post))
    ).all()
    return [
        from_attributes(
            SignalDoc, s,
            types=list(s.types),
            text="\n".join(f"{sp.post.title}\n{sp.post.text}" for sp in s.posts),
            notification=s.notification_status,
            first_seen=s.first_seen_at,
        )
        for s in signals
    ]


def index_posts(session: Session, backend: SearchBackend, post_ids: Iterable[int]) -> int:
    return sum(backend.index_posts(post_docs(session, chunk)) for chunk in _chunks(post_ids))


def index_signals(session: Session, backend: SearchBackend, signal_ids: Iterable[int]) -> int:
    return sum(backend.index_signals(signal_docs(session, chunk)) for chunk in _chunks(signal_ids))


def reindex(session: Session, backend: SearchBackend) -> int:
    """Rebuild the whole index from the system of record."""
    backend.clear()
    post_ids = session.scalars(select(Post.id).order_by(Post.id)).all()
    signal_ids = session.scalars(select(Signal.id).order_by(Signal.id)).all()
    return index_posts(session, backend, post_ids) + index_signals(session, backend, signal_ids)
