"""Collectors: public sources in, `RawPost`s out, politely and incrementally.

Names are imported lazily so that the Scrapy crawl subprocess (`python -m
collectors.crawl`) does not pay for feedparser and friends at start-up."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "CollectResult": "collectors.models",
    "ItemSkip": "collectors.models",
    "RawPost": "collectors.models",
    "SourceConfig": "collectors.models",
    "SourceKind": "collectors.models",
    "SourceState": "collectors.models",
    "CollectorSettings": "collectors.settings",
    "SourcesConfigError": "collectors.sources",
    "load_defaults": "collectors.sources",
    "load_sources": "collectors.sources",
    "collect_many": "collectors.collect",
    "collect_source": "collectors.collect",
}

__all__ = [
    "CollectResult",
    "CollectorSettings",
    "ItemSkip",
    "RawPost",
    "SourceConfig",
    "SourceKind",
    "SourceState",
    "SourcesConfigError",
    "collect_many",
    "collect_source",
    "load_defaults",
    "load_sources",
]

if TYPE_CHECKING:
    from collectors.collect import collect_many, collect_source
    from collectors.models import (
        CollectResult,
        ItemSkip,
        RawPost,
        SourceConfig,
        SourceKind,
        SourceState,
    )
    from collectors.settings import CollectorSettings
    from collectors.sources import SourcesConfigError, load_defaults, load_sources


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'collectors' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
