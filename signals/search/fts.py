"""SQLite FTS5 search index: the embedded default. A mirror of the system of record."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, text

from signals.search.base import (
    DocKind,
    Hit,
    PostDoc,
    SearchBackend,
    SearchError,
    SearchResult,
    SignalDoc,
)

# Private-use sentinels survive FTS5's highlight() and can never occur in escaped user text.
_OPEN, _CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(r"\w+", re.UNICODE)
_MAX_QUERY_TERMS = 32

_SCHEMA = {
    "posts": (
        "CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5("
        "title, text, source_id UNINDEXED, labels UNINDEXED, district UNINDEXED, "
        "in_almere UNINDEXED, published_at UNINDEXED, url UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    ),
    "signals": (
        "CREATE VIRTUAL TABLE IF NOT EXISTS signals_fts USING fts5("
        "title, text, place, types UNINDEXED, status UNINDEXED, district UNINDEXED, "
        "notification UNINDEXED, severity UNINDEXED, event_time UNINDEXED, "
        "first_seen UNINDEXED, version UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    ),
}
_FACETS = {"posts": ("source_id", "district"), "signals": ("status", "district", "notification")}
_FILTERABLE = {
    "posts": {"source_id", "district", "in_almere"},
    "signals": {"status", "district", "notification", "types"},
}


def to_match_expression(query: str) -> str:
    """User text → an FTS5 expression of quoted prefix terms, all required.

    Users type words, not FTS5 syntax: quoting every term means operators, column filters,
    NEAR() and stray quotes are searched for as words instead of being interpreted."""
    terms = _TOKEN.findall(query)[:_MAX_QUERY_TERMS]
    if not terms:
        raise SearchError("Zoekopdracht bevat geen woorden.")
    return " ".join(f'"{term}"*' for term in terms)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _safe_highlight(raw: str) -> str:
    escaped = html.escape(raw, quote=True)
    return escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


class FtsBackend(SearchBackend):
    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "sqlite":
            raise ValueError("FtsBackend needs a SQLite engine")
        self.engine = engine
        with engine.begin() as conn:
            for ddl in _SCHEMA.values():
                conn.exec_driver_sql(ddl)

    def index_posts(self, docs: Iterable[PostDoc]) -> int:
        rows = [
            {
                "id": d.id,
                "title": d.title,
                "text": d.text,
                "source_id": d.source_id,
                "labels": " ".join(d.labels),
                "district": d.district,
                "in_almere": None if d.in_almere is None else int(d.in_almere),
                "published_at": _iso(d.published_at),
                "url": d.url,
            }
            for d in docs
        ]
        return self._upsert("posts_fts", rows)

    def index_signals(self, docs: Iterable[SignalDoc]) -> int:
        rows = [
            {
                "id": d.id,
                "title": d.title,
                "text": d.text,
                "place": d.place or "",
                "types": " ".join(d.types),
                "status": d.status,
                "district": d.district,
                "notification": d.notification,
                "severity": d.severity,
                "event_time": _iso(d.event_time),
                "first_seen": _iso(d.first_seen),
                "version": d.version,
            }
            for d in docs
        ]
        return self._upsert("signals_fts", rows)

    def _upsert(self, table: str, rows: list[dict]) -> int:
        if not rows:
            return 0
        columns = [c for c in rows[0] if c != "id"]
        insert = text(
            f"INSERT INTO {table} (rowid, {', '.join(columns)}) "
            f"VALUES (:id, {', '.join(':' + c for c in columns)})"
        )
        with self.engine.begin() as conn:
            # Delete-then-insert keeps re-indexing by id idempotent.
            conn.execute(
                text(f"DELETE FROM {table} WHERE rowid = :id"), [{"id": r["id"]} for r in rows]
            )
            conn.execute(insert, rows)
        return len(rows)

    def delete(self, kind: DocKind, ids: Iterable[int]) -> int:
        params = [{"id": int(i)} for i in ids]
        if not params or kind == "audit":
            return 0
        with self.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {kind}_fts WHERE rowid = :id"), params)
        return len(params)

    def clear(self) -> None:
        with self.engine.begin() as conn:
            for kind in _SCHEMA:
                conn.exec_driver_sql(f"DELETE FROM {kind}_fts")

    def _search(
        self, query: str, kind: DocKind, filters: dict[str, str] | None, limit: int, offset: int
    ) -> SearchResult:
        if kind not in _SCHEMA:
            raise SearchError(f"Onbekende index: {kind}")
        table = f"{kind}_fts"
        where = [f"{table} MATCH :q"]
        params: dict[str, object] = {"q": to_match_expression(query)}
        for i, (field, value) in enumerate((filters or {}).items()):
            if field not in _FILTERABLE[kind]:
                raise SearchError(f"Onbekend filter: {field}")
            if field == "in_almere":
                if str(value).lower() not in {"true", "false", "1", "0"}:
                    raise SearchError("in_almere is true of false.")
                where.append(f"in_almere = :f{i}")
                params[f"f{i}"] = int(str(value).lower() in {"true", "1"})
            elif field == "types":
                where.append(f"(' ' || types || ' ') LIKE :f{i}")
                params[f"f{i}"] = f"% {value} %"
            else:
                where.append(f"{field} = :f{i}")
                params[f"f{i}"] = value
        clause = " AND ".join(where)
        params.update(limit=max(1, min(limit, 500)), offset=max(0, offset))
        hit_sql = text(
            f"SELECT rowid, bm25({table}) AS rank, "
            f"snippet({table}, -1, '{_OPEN}', '{_CLOSE}', '…', 24) AS snip "
            f"FROM {table} WHERE {clause} ORDER BY rank LIMIT :limit OFFSET :offset"
        )
        with self.engine.connect() as conn:
            rows = conn.execute(hit_sql, params).all()
            total = conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE {clause}"), params
            ).scalar_one()
            facets: dict[str, dict[str, int]] = {}
            for field in _FACETS[kind]:
                counts = conn.execute(
                    text(
                        f"SELECT {field}, count(*) FROM {table} WHERE {clause} "
                        f"AND {field} IS NOT NULL GROUP BY {field}"
                    ),
                    params,
                ).all()
                facets[field] = {str(value): n for value, n in counts}
        hits = [
            Hit(id=r[0], kind=kind, score=-float(r[1]), highlight=_safe_highlight(r[2] or ""))
            for r in rows
        ]
        return SearchResult(hits=hits, total=int(total), facets=facets)
