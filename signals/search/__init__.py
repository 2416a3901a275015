"""Search-index backends behind one interface (see base.py)."""

from __future__ import annotations

from pathlib import Path

from signals.config import Settings, get_settings
from signals.db.session import make_engine
from signals.search.base import SearchBackend
from signals.search.fts import FtsBackend


def get_backend(settings: Settings | None = None) -> SearchBackend:
    """Elasticsearch when SIGNALS_ES_URL is set, else the embedded FTS5 index in var/."""
    settings = settings or get_settings()
    if settings.es_url:
        # Imported on use: the Elasticsearch client is large and most installations (the demo,
        # the tests) search the embedded FTS5 index.
        from signals.search.es_client import ElasticsearchBackend

        return ElasticsearchBackend.from_url(settings.es_url)
    path = str(Path(settings.var_dir) / "search.db")
    if path not in _fts_cache:
        _fts_cache[path] = FtsBackend(make_engine(f"sqlite:///{path}"))
    return _fts_cache[path]


_fts_cache: dict[str, SearchBackend] = {}
