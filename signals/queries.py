"""Read models for the queue and the signal page: indexed queries, no N+1. Used by the
services (signals.services.queue, signals.services.signals); no web code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, load_only, selectinload

from nlp.vocabulary import ALMERE_DISTRICTS
from nlp.vocabulary import TZ as LOCAL_TZ
from signals.db.models import STATUSES, Decision, Enrichment, Post, Signal, SignalNote, SignalPost
from signals.db.types import utcnow
from signals.partner.counts import report_counts
from signals.search.base import SearchBackend, SearchError
from signals.triage import OPEN_STATUSES

PAGE_SIZE = 50
# Full-text search narrows the queue to at most this many best hits; the queue filters and
# ordering then apply to those.
SEARCH_CAP = 1000

# The district filter offers exactly the districts signals are filed under (the gazetteer's).
DISTRICTS: tuple[str, ...] = ALMERE_DISTRICTS

_QUEUE_COLUMNS = (
    Signal.id,
    Signal.types,
    Signal.kind,
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
    Signal.assigned_to,
)

# Sortable queue columns (URL value -> default direction). An unknown value means the default
# sort, never an error: a stale bookmark must still open the queue.
SORTS: dict[str, str] = {
    "ernst": "desc",
    "moment": "asc",
    "eerst_gezien": "desc",
    "stadsdeel": "asc",
    "status": "asc",
}
DEFAULT_SORT = "ernst"
# Sorts on a column that may be empty; empty values come last in either direction.
NULLABLE_SORTS = frozenset({"moment", "stadsdeel"})
ORDERS = ("asc", "desc")


@dataclass(slots=True)
class DayRangeFilters:
    """A paged list filtered by local calendar days, both ends included: the part the queue and
    the audit log share."""

    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    def within_days(self, stmt: Any, when: Any) -> Any:
        """`stmt` limited to rows whose `when` falls on the chosen days (Almere time)."""
        if self.date_from:
            stmt = stmt.where(when >= local_day_start(self.date_from))
        if self.date_to:
            stmt = stmt.where(when < local_day_start(self.date_to + timedelta(days=1)))
        return stmt


@dataclass(slots=True)
class QueueFilters(DayRangeFilters):
    status: str = "open"  # "open", "all" or one status
    type: str | None = None
    district: str | None = None
    q: str | None = None
    sort: str = DEFAULT_SORT
    order: str = SORTS[DEFAULT_SORT]
    assignee: str | None = None  # "Aan mij toegewezen": the viewer's username
    upcoming: bool = False  # "komende bijeenkomsten": event time from now on

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "type": self.type,
            "district": self.district,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q,
            "mine": "1" if self.assignee else None,
            "upcoming": "1" if self.upcoming else None,
            "sort": self.sort,
            "order": self.order,
        }


@dataclass(slots=True)
class QueuePage:
    total: int
    page: int
    pages: int
    items: list[Signal]
    counts: dict[str, int]
    snippets: dict[int, str] = field(default_factory=dict)
    search_error: str | None = None
    search_fallback: bool = False
    # Partner reports per signal on the page (signals without any are absent).
    partner_reports: dict[int, int] = field(default_factory=dict)


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
    if f.assignee:
        stmt = stmt.where(Signal.assigned_to == f.assignee)
    if f.upcoming:
        # With "mine", the colleague's index finds the few rows (see _key).
        stmt = stmt.where(_key(Signal.event_time, bool(f.assignee)) >= utcnow())
    return f.within_days(stmt, func.coalesce(Signal.event_time, Signal.first_seen_at))


def _sort_columns(f: QueueFilters) -> list[tuple[Any, bool]]:
    """(column, descending) in order; ties fall back to severity, event time and id."""
    desc = f.order == "desc"
    status_rank = case({s: i for i, s in enumerate(STATUSES)}, value=Signal.status, else_=99)
    first: dict[str, list[tuple[Any, bool]]] = {
        "ernst": [(Signal.severity, desc)],
        "moment": [(Signal.event_time, desc)],
        "eerst_gezien": [(Signal.first_seen_at, desc)],
        "stadsdeel": [(Signal.district, desc)],
        # Workflow order (nieuw, in behandeling, ...), not the alphabet of the codes.
        "status": [(status_rank.label("status_rank"), desc)],
    }
    tail = [(Signal.severity, True), (Signal.event_time, True), (Signal.id, True)]
    head = first.get(f.sort, first[DEFAULT_SORT])
    return head + [t for t in tail if all(t[0] is not h[0] for h in head)]


def _ordering(columns: list[tuple[Any, bool]], *, few: bool = False) -> list[Any]:
    # Missing values (no event time, no district) go last in either direction.
    keys = [(_key(c, few) if i == 0 else c, d) for i, (c, d) in enumerate(columns)]
    return [(c.desc() if d else c.asc()).nulls_last() for c, d in keys]


def _key(column: Any, few: bool) -> Any:
    """`few`: the rows are few and found by another index (one colleague's signals, through
    ix_signals_assigned) and then sorted. Ordering by an expression of the column keeps SQLite
    from walking the sort column's index across everyone's signals instead: its statistics
    cannot see that most signals are assigned to nobody."""
    return func.coalesce(column, column) if few else column


def _index_ordering(columns: list[tuple[Any, bool]], *, few: bool) -> list[Any]:
    """The ordering of one index walk, whose first column holds no NULLs: no NULLS LAST
    there, which SQLite can only honour for an ascending column by sorting every row."""
    (head, desc), tail = columns[0], columns[1:]
    key = _key(head, few)
    return [key.desc() if desc else key.asc(), *_ordering(tail)]


def _page_ids(f: QueueFilters, clause: Any, offset: int, page_size: int) -> Any:
    """Ids of one queue page in the chosen order (most severe first by default).

    One index walk per status, each stopping after offset + page_size rows, merged in an
    outer sort: (status, severity) for the default order, (status, event_time),
    (status, first_seen_at) and (status, district) for the other sortable columns. A single
    `status IN (...) ORDER BY x` would sort every open signal; this reads only the rows the page
    can contain. A column that may be empty (event time, district) is walked twice per status,
    its values and its NULLs, so that NULLs come last without a sort."""
    need = offset + page_size
    columns = _sort_columns(f)
    head = columns[0][0]
    # Within one status the workflow rank is constant: the walk orders by what follows it.
    walk = columns[1:] if f.sort == "status" else columns
    nullable = f.sort in NULLABLE_SORTS
    parts = []
    for status in _statuses(f):
        for empty in (False, True) if nullable else (False,):
            where = [Signal.status == status]
            if nullable:
                # For one colleague's few signals, the test must not pick the index either.
                probe = _key(head, bool(f.assignee))
                where.append(probe.is_(None) if empty else probe.is_not(None))
            picked = select(*(c for c, _ in columns), literal(int(empty)).label("head_empty"))
            inner = _filtered(picked.where(*where), f, with_status=False)
            if clause is not None:
                inner = inner.where(clause)
            few = bool(f.assignee)
            order = _ordering(walk[1:], few=few) if empty else _index_ordering(walk, few=few)
            parts.append(inner.order_by(*order).limit(need).subquery().select())
    merged = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    outer = [(merged.c[c.key], d) for c, d in columns]
    return (
        select(merged.c.id)
        .order_by(merged.c.head_empty, *_ordering(outer))
        .limit(page_size)
        .offset(offset)
    )


@dataclass(slots=True)
class SearchClause:
    clause: Any = None
    snippets: dict[int, str] = field(default_factory=dict)
    error: str | None = None
    fallback: bool = False


def search_clause(f: QueueFilters, backend: SearchBackend | None) -> SearchClause:
    """The restriction a search term puts on the queue (and on its CSV export)."""
    out = SearchClause()
    if not f.q:
        return out
    if backend is not None:
        try:
            result = backend.search(f.q, kind="signals", limit=SEARCH_CAP)
            ids = [hit.id for hit in result.hits]
            out.snippets = {hit.id: hit.highlight for hit in result.hits}
            out.clause = Signal.id.in_(ids) if ids else Signal.id == -1
        except SearchError as exc:
            out.error = str(exc)
            out.clause = Signal.id == -1
    else:
        out.fallback = True
        pattern = f"%{f.q.strip()}%"
        out.clause = or_(Signal.title.ilike(pattern), Signal.place.ilike(pattern))
    return out


def queue_rows(
    session: Session, f: QueueFilters, backend: SearchBackend | None = None
) -> list[Signal]:
    """Every signal the filters select, in the queue's order (for the CSV export)."""
    found = search_clause(f, backend)
    columns = _sort_columns(f)
    stmt = _filtered(select(Signal).options(load_only(*_QUEUE_COLUMNS)), f)
    if found.clause is not None:
        stmt = stmt.where(found.clause)
    return list(session.scalars(stmt.order_by(*_ordering(columns))))


def queue(
    session: Session,
    f: QueueFilters,
    backend: SearchBackend | None = None,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    found = search_clause(f, backend)
    clause, snippets = found.clause, found.snippets
    search_error, fallback = found.error, found.fallback
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
        partner_reports=report_counts(session, page_ids),
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
    notes: list[SignalNote] = field(default_factory=list)
    snippets: dict[int, str] = field(default_factory=dict)  # post id -> briefing quote


def signal_detail(session: Session, signal_id: int) -> SignalDetail | None:
    signal = session.scalar(
        select(Signal)
        .where(Signal.id == signal_id)
        .options(
            selectinload(Signal.posts).selectinload(SignalPost.post).selectinload(Post.enrichments),
            selectinload(Signal.decisions).selectinload(Decision.interventions),
            selectinload(Signal.register_entry),
            selectinload(Signal.notes),
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
        notes=list(signal.notes),
        snippets={sp.post_id: sp.briefing_snippet for sp in signal.posts if sp.briefing_snippet},
    )
