"""Read models for the queue and the signal page: indexed queries, no N+1."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, cast, func, or_, select, union_all
from sqlalchemy.orm import Session, load_only, selectinload

from nlp.vocabulary import ALMERE_DISTRICTS
from signals.db.models import STATUSES, Decision, Enrichment, Post, Signal, SignalPost
from signals.search.base import SearchBackend, SearchError
from signals.triage import OPEN_STATUSES
from signals.web.deps import LOCAL_TZ

log = logging.getLogger(__name__)

PAGE_SIZE = 50
# Full-text search narrows the queue to at most this many best hits; the queue filters and
# ordering then apply to those.
SEARCH_CAP = 1000

# The district filter offers exactly the districts signals are filed under (the gazetteer's).
DISTRICTS: tuple[str, ...] = ALMERE_DISTRICTS

_QUEUE_COLUMNS = (
    Signal.id,
    Signal.types,
    Signal.status,
    Signal.severity,
    Signal.title,
    Signal.place,
    Signal.district,
    Signal.event_time,
    Signal.event_time_text,
    Signal.notification_status,
    Signal.post_count,
    Signal.source_count,
    Signal.first_seen_at,
    Signal.last_activity_at,
    Signal.version,
)


@dataclass(slots=True)
class QueueFilters:
    status: str = "open"  # "open", "all" or one status
    type: str | None = None
    district: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    page: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "type": self.type,
            "district": self.district,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q,
        }


@dataclass(slots=True)
class QueuePage:
    items: list[Signal]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    snippets: dict[int, str] = field(default_factory=dict)
    search_error: str | None = None
    search_fallback: bool = False


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Signal.status, func.count()).group_by(Signal.status)).all()
    counts = {status: 0 for status in STATUSES}
    counts.update({status: n for status, n in rows})
    counts["open"] = sum(counts.get(s, 0) for s in OPEN_STATUSES)
    counts["all"] = sum(n for s, n in counts.items() if s in STATUSES)
    return counts


def _statuses(f: QueueFilters) -> tuple[str, ...]:
    if f.status == "open":
        return OPEN_STATUSES
    if f.status in STATUSES:
        return (f.status,)
    return STATUSES


def _filtered(stmt: Any, f: QueueFilters, *, with_status: bool = True) -> Any:
    if with_status:
        statuses = _statuses(f)
        if statuses != STATUSES:
            stmt = stmt.where(Signal.status.in_(statuses))
    if f.type:
        # types is a JSON list; its text form contains the quoted name on SQLite and PostgreSQL.
        stmt = stmt.where(cast(Signal.types, String).like(f'%"{f.type}"%'))
    if f.district:
        stmt = stmt.where(Signal.district == f.district)
    when = func.coalesce(Signal.event_time, Signal.first_seen_at)
    if f.date_from:
        stmt = stmt.where(when >= local_day_start(f.date_from))
    if f.date_to:
        stmt = stmt.where(when < local_day_start(f.date_to + timedelta(days=1)))
    return stmt


def _page_ids(f: QueueFilters, clause: Any, offset: int, page_size: int) -> Any:
    """Ids of one queue page, most severe first.

    One index walk per status (ix_signals_queue is (status, severity)), each stopping after
    offset + page_size rows, merged in an outer sort. A single `status IN (...) ORDER BY
    severity` would sort every open signal; this reads only the rows the page can contain."""
    need = offset + page_size
    parts = []
    for status in _statuses(f):
        inner = _filtered(
            select(Signal.id, Signal.severity, Signal.event_time).where(Signal.status == status),
            f,
            with_status=False,
        )
        if clause is not None:
            inner = inner.where(clause)
        sub = (
            inner.order_by(
                Signal.severity.desc(), Signal.event_time.desc().nulls_last(), Signal.id.desc()
            )
            .limit(need)
            .subquery()
        )
        parts.append(select(sub.c.id, sub.c.severity, sub.c.event_time))
    merged = union_all(*parts).subquery()
    return (
        select(merged.c.id)
        .order_by(
            merged.c.severity.desc(), merged.c.event_time.desc().nulls_last(), merged.c.id.desc()
        )
        .limit(page_size)
        .offset(offset)
    )


def queue(
    session: Session,
    f: QueueFilters,
    backend: SearchBackend | None = None,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    clause: Any = None
    snippets: dict[int, str] = {}
    search_error: str | None = None
    fallback = False
    if f.q:
        if backend is not None:
            try:
                result = backend.search(f.q, kind="signals", limit=SEARCH_CAP)
                ids = [hit.id for hit in result.hits]
                snippets = {hit.id: hit.highlight for hit in result.hits}
                clause = Signal.id.in_(ids) if ids else Signal.id == -1
            except SearchError as exc:
                search_error = str(exc)
                clause = Signal.id == -1
        else:
            fallback = True
            pattern = f"%{f.q.strip()}%"
            clause = or_(Signal.title.ilike(pattern), Signal.place.ilike(pattern))
    count_stmt = _filtered(select(func.count(Signal.id)), f)
    if clause is not None:
        count_stmt = count_stmt.where(clause)
    total = session.scalar(count_stmt) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(1, f.page), pages)
    page_ids = list(session.scalars(_page_ids(f, clause, (page - 1) * page_size, page_size)))
    rows = (
        {
            s.id: s
            for s in session.scalars(
                select(Signal).options(load_only(*_QUEUE_COLUMNS)).where(Signal.id.in_(page_ids))
            )
        }
        if page_ids
        else {}
    )
    items = [rows[i] for i in page_ids if i in rows]
    return QueuePage(
        items=items,
        total=total,
        page=page,
        pages=pages,
        counts=status_counts(session),
        snippets=snippets,
        search_error=search_error,
        search_fallback=fallback,
    )


@dataclass(slots=True)
class PostView:
    post: Post
    enrichment: Enrichment | None
    added_at: datetime


@dataclass(slots=True)
class SignalDetail:
    signal: Signal
    posts: list[PostView]
    decisions: list[Decision]
    source_ids: list[str]


def signal_detail(session: Session, signal_id: int) -> SignalDetail | None:
    signal = session.scalar(
        select(Signal)
        .where(Signal.id == signal_id)
        .options(
            selectinload(Signal.posts).selectinload(SignalPost.post).selectinload(Post.enrichments),
            selectinload(Signal.decisions).selectinload(Decision.interventions),
            selectinload(Signal.register_entry),
        )
    )
    if signal is None:
        return None
    posts = [
        PostView(
            post=sp.post,
            enrichment=max(sp.post.enrichments, key=lambda e: e.id, default=None),
            added_at=sp.added_at,
        )
        for sp in signal.posts
    ]
    posts.sort(key=lambda pv: (pv.post.published_at or pv.post.fetched_at, pv.post.id))
    return SignalDetail(
        signal=signal,
        posts=posts,
        decisions=list(signal.decisions),
        source_ids=sorted({pv.post.source_id for pv in posts}),
    )


def get_backend_or_none(settings: Any) -> SearchBackend | None:
    """The configured search backend, or None while it is unavailable (the queue then falls
    back to a title search and says so)."""
    try:
        from signals.search import get_backend
    except ImportError:
        return None
    try:
        return get_backend(settings)
    except Exception:  # a broken index must not take the queue down
        log.exception("search backend unavailable")
        return None
