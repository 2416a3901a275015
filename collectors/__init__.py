"""Collectors: public sources in, `RawPost`s out, politely and incrementally."""

from __future__ import annotations

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
