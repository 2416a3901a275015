"""The search-index interface. The system of record is the database; an index can always be
rebuilt from it, so every backend only mirrors documents and answers queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from signals.errors import DomainError

DocKind = Literal["posts", "signals", "audit"]


@dataclass(slots=True)
class PostDoc:
    id: int
    source_id: str
    title: str
    text: str
    url: str
    published_at: datetime | None
    # When the post entered the system of record: the retention clock, and the day partition
    # the Elasticsearch backend files it under (so a re-index lands on the same index).
    collected_at: datetime | None = None
    district: str | None = None
    in_almere: bool | None = None
    labels: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SignalDoc:
    id: int
    types: list[str]
    status: str
    severity: float
    title: str
    text: str  # concatenated text of the clustered posts, for full-text search
    place: str | None = None
    district: str | None = None
    notification: str | None = None  # "aangemeld" / "niet aangemeld" / None
    event_time: datetime | None = None
    first_seen: datetime | None = None
    version: int = 1


@dataclass(slots=True)
class Hit:
    id: int
    kind: DocKind
    score: float
    highlight: str  # HTML-safe snippet: only <mark> tags, everything else escaped


@dataclass(slots=True)
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchError(DomainError, ValueError):
    """A query the backend cannot answer; the message is fit to show the user."""

    status_code = 400


class SearchBackend(Protocol):
    """What every index answers. Backends subclass it and implement `_search`; `search`
    gives it the keyword defaults callers rely on."""

    def index_posts(self, docs: Iterable[PostDoc]) -> int: ...

    def index_signals(self, docs: Iterable[SignalDoc]) -> int: ...

    def delete(self, kind: DocKind, ids: Iterable[int]) -> int: ...

    def search(
        self,
        query: str,
        *,
        kind: DocKind = "signals",
        filters: dict[str, str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> SearchResult:
        return self._search(query, kind, filters, limit, offset)

    def _search(
        self, query: str, kind: DocKind, filters: dict[str, str] | None, limit: int, offset: int
    ) -> SearchResult: ...

    def clear(self) -> None: ...
