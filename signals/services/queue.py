"""The analysts' queue, for the page and the JSON API alike: filters from what the user typed,
one page of signals, and the audit record of that look."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from nlp.vocabulary import LABEL_NL
from signals.config import Settings
from signals.db.models import STATUSES
from signals.queries import (
    DEFAULT_SORT,
    DISTRICTS,
    ORDERS,
    SORTS,
    QueueFilters,
    QueuePage,
    queue,
)
from signals.services import Actor, record_as
from signals.services.search import backend_or_none, record_search


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def build_filters(
    status: str | None,
    type: str | None,
    district: str | None,
    date_from: str | None,
    date_to: str | None,
    q: str | None,
    page: int,
    *,
    sort: str | None = None,
    order: str | None = None,
    mine: str | None = None,
    upcoming: str | None = None,
    username: str | None = None,
) -> QueueFilters:
    """Filters from raw query values; anything unknown is the default, never an error (an old
    bookmark must still open the queue)."""
    status = status if status in (*STATUSES, "open", "all") else "open"
    soon = upcoming == "1"
    # "komende bijeenkomsten" reads by event time, soonest first, unless a sort was chosen.
    key = sort if sort in SORTS else ("moment" if soon else DEFAULT_SORT)
    return QueueFilters(
        sort=key,
        order=order if order in ORDERS else SORTS[key],
        assignee=username if mine == "1" and username else None,
        upcoming=soon,
        status=status,
        type=type if type in LABEL_NL else None,
        district=district if district in DISTRICTS else None,
        date_from=parse_date(date_from),
        date_to=parse_date(date_to),
        q=(q or "").strip()[:200] or None,
        page=max(1, page),
    )


def list_queue(
    session: Session,
    actor: Actor,
    settings: Settings,
    f: QueueFilters,
    *,
    channel: str,
) -> QueuePage:
    """One page of the queue. Every look is audited: a search with its terms (the one search
    record, signals.services.search), a plain list with its filters and the ids shown (ids and
    counts, never content)."""
    result = queue(session, f, backend_or_none(settings) if f.q else None)
    if f.q:
        record_search(
            session,
            actor,
            query=f.q,
            kind="signals",
            total=result.total,
            channel=channel,
            filters=f.as_dict(),
        )
        return result
    record_as(
        session, actor, action="signal.list", target_type="signal", purpose="triage: signalenlijst",
        details={
            "filters": f.as_dict(),
            "total": result.total,
            "signal_ids": [item.id for item in result.items],
            "channel": channel,
        },
    )
    return result
