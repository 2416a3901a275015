"""Full-text search, audited the same way whoever asks: the queue's search box, the JSON API
and `signals search` write one "search" record with the same detail keys."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from signals import search as search_index
from signals.config import Settings
from signals.db.models import AuditEvent
from signals.search.base import DocKind, SearchBackend, SearchResult
from signals.services import Actor, record_as

log = logging.getLogger(__name__)

PURPOSES: dict[str, str] = {
    "signals": "triage: zoeken in signalen",
    "posts": "zoeken in berichten",
}


def backend_or_none(settings: Settings) -> SearchBackend | None:
    """The configured search backend, or None while it is unavailable (the queue then falls
    back to a title search and says so; re-indexing waits for `signals reindex`)."""
    try:
        return search_index.get_backend(settings)
    except Exception:  # a broken index must not take the queue down
        log.exception("search backend unavailable")
        return None


def record_search(
    session: Session,
    actor: Actor,
    *,
    query: str,
    kind: DocKind,
    total: int,
    channel: str,
    filters: dict[str, Any] | None = None,
) -> AuditEvent:
    """The one audit record of a search: its terms, never what it found."""
    return record_as(
        session, actor, action="search", target_type="signal" if kind == "signals" else kind,
        purpose=PURPOSES.get(kind, "zoeken"),
        details={
            "query": query,
            "kind": kind,
            "filters": filters or {},
            "total": total,
            "channel": channel,
        },
    )


def search(
    session: Session,
    actor: Actor,
    backend: SearchBackend,
    query: str,
    *,
    kind: DocKind = "signals",
    limit: int = 20,
    channel: str = "cli",
) -> SearchResult:
    """Search the index and audit the search. A query the backend cannot answer raises
    `SearchError` (400) and is not audited: nothing was shown."""
    result = backend.search(query, kind=kind, limit=limit)
    record_search(session, actor, query=query, kind=kind, total=result.total, channel=channel)
    return result
