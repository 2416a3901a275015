"""What a collector is: the `Collector` protocol that every platform module implements and
that `collectors.registry` maps source kinds to."""

from __future__ import annotations

from typing import Protocol

from collectors.models import CollectResult, SourceConfig, SourceState
from collectors.net import Fetcher
from collectors.settings import CollectorSettings


class Collector(Protocol):
    """Collects one source of its kind.

    `collect` fills `result` in place: `posts` (new or changed since `state`), `skipped` items
    with a reason, `requests`, a source-level `error` for a problem that is not an exception,
    and the `state` to persist once the posts are stored. It keeps its own time bound (the
    source deadline, or a crawl's own limits) and may raise `FetchError`; the caller
    (`collectors.collect.collect_source`) turns that, and any crash, into `result.error`, and
    applies what is shared: language detection and reporting each skip once."""

    def collect(
        self,
        source: SourceConfig,
        state: SourceState,
        settings: CollectorSettings,
        fetcher: Fetcher,
        result: CollectResult,
    ) -> None: ...
