"""What an Elasticsearch search asks and how its answer is read: per-kind fields, facets and
filters, the request body for a user's query, and hits and facets from the response. No I/O.

User queries only ever reach `simple_query_string`, which has no syntax errors and cannot
address fields, so nothing typed in the search box can break or widen a search.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from signals.search.base import DocKind, Hit, SearchError, SearchResult

MAX_RESULT_WINDOW = 10_000  # Elasticsearch's default index.max_result_window


@dataclass(frozen=True, slots=True)
class KindSpec:
    date_fields: tuple[str, ...]  # first non-empty one picks the partition
    monthly: bool
    text_fields: tuple[str, ...]
    facets: tuple[str, ...]
    filters: frozenset[str]

    @property
    def text_names(self) -> list[str]:
        """The text fields without their boosts ("title^2" -> "title")."""
        return [f.split("^", 1)[0] for f in self.text_fields]


SPECS: dict[DocKind, KindSpec] = {
    "posts": KindSpec(
        # Not published_at: an old post collected today must not land in an old partition
        # that ILM is about to drop. The retention clock starts at collection.
        date_fields=("collected_at",),
        monthly=False,
        text_fields=("title^2", "text"),
        facets=("source_id", "labels", "district", "in_almere"),
        filters=frozenset({"source_id", "labels", "district", "in_almere"}),
    ),
    "signals": KindSpec(
        date_fields=("first_seen", "event_time"),
        monthly=True,
        text_fields=("title^2", "text"),
        facets=("types", "status", "district", "notification"),
        filters=frozenset({"types", "status", "district", "notification", "place"}),
    ),
    "audit": KindSpec(
        date_fields=("at",),
        monthly=True,
        text_fields=("summary",),
        facets=("action", "object_type", "role"),
        filters=frozenset({"action", "actor", "role", "object_type", "object_id"}),
    ),
}
_BOOL_FIELDS = frozenset({"in_almere"})


def check_request(kind: str, limit: int, offset: int) -> None:
    """Refuse an unknown kind or a page outside what Elasticsearch serves, in Dutch."""
    if kind not in SPECS:
        raise SearchError(f"Onbekende soort zoekresultaat: {kind!r}.")
    if limit < 0 or offset < 0 or offset + limit > MAX_RESULT_WINDOW:
        raise SearchError(
            f"Ongeldige paginering (limit={limit}, offset={offset}); "
            f"maximaal {MAX_RESULT_WINDOW} resultaten per zoekvraag."
        )


def search_body(
    query: str,
    *,
    kind: DocKind = "signals",
    filters: Mapping[str, str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """The request body (as client keyword arguments) for a user's query."""
    spec = SPECS[kind]
    text = (query or "").strip()
    must: dict[str, Any]
    if text:
        must = {
            "simple_query_string": {
                "query": text[:1000],
                "fields": list(spec.text_fields),
                "default_operator": "and",
                "lenient": True,
                # No FUZZY/SLOP/NEAR: keep the syntax to what an analyst expects.
                "flags": "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE",
            }
        }
    else:
        must = {"match_all": {}}
    term_filters = []
    for name, value in (filters or {}).items():
        if name not in spec.filters:
            raise SearchError(
                f"Onbekend filter {name!r}; mogelijk zijn: {', '.join(sorted(spec.filters))}."
            )
        if name in _BOOL_FIELDS:
            lowered = str(value).lower()
            if lowered not in ("true", "false"):
                raise SearchError(f"Filter {name!r} verwacht 'true' of 'false'.")
            term_filters.append({"term": {name: lowered == "true"}})
        else:
            term_filters.append({"term": {name: str(value)}})
    text_names = spec.text_names
    return {
        "query": {"bool": {"must": [must], "filter": term_filters}},
        "highlight": {
            # encoder=html escapes the text around the tags: the snippet carries only <mark>.
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {
                name: {"fragment_size": 160, "number_of_fragments": 2} for name in text_names
            },
        },
        "aggs": {f: {"terms": {"field": f, "size": 50}} for f in spec.facets},
        "size": limit,
        "from_": offset,
        "track_total_hits": True,
        "source_includes": text_names,
    }


def empty_result(kind: DocKind) -> SearchResult:
    """The answer when nothing is indexed yet (the alias does not exist)."""
    return SearchResult(hits=[], total=0, facets={f: {} for f in SPECS[kind].facets})


def parse_result(kind: DocKind, resp: Mapping[str, Any]) -> SearchResult:
    hits = [parse_hit(kind, h) for h in resp["hits"]["hits"]]
    total = resp["hits"]["total"]
    total = total["value"] if isinstance(total, dict) else int(total)
    facets: dict[str, dict[str, int]] = {}
    for name, agg in (resp.get("aggregations") or {}).items():
        facets[name] = {
            str(b.get("key_as_string", b["key"])): int(b["doc_count"]) for b in agg["buckets"]
        }
    return SearchResult(hits=hits, total=total, facets=facets)


def parse_hit(kind: DocKind, raw: Mapping[str, Any]) -> Hit:
    names = SPECS[kind].text_names
    fragments = raw.get("highlight") or {}
    parts = [frag for name in reversed(names) for frag in fragments.get(name, [])]
    if parts:
        snippet = " … ".join(parts[:2])
    else:
        source = raw.get("_source") or {}
        plain = next((str(source[n]) for n in reversed(names) if source.get(n)), "")
        snippet = html.escape(plain[:200])
    return Hit(
        id=int(raw["_id"]), kind=kind, score=float(raw.get("_score") or 0.0), highlight=snippet
    )
