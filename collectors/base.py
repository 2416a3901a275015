"""What a collector is: the `Collector` protocol that every platform module implements and
that `collectors.registry` maps source kinds to."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol

from collectors.limits import source_deadline
from collectors.models import CollectResult, SourceConfig, SourceState
from collectors.net import Fetcher
from collectors.settings import CollectorSettings

# The arguments of `Collector.collect`, in order: (source, state, settings, fetcher, result).
CollectArgs = tuple[SourceConfig, SourceState, CollectorSettings, Fetcher, CollectResult]


class Collector(Protocol):
    """Collects one source of its kind.

    `collect` fills `result` in place: `posts` (new or changed since `state`), `skipped` items
    with a reason, `requests`, a source-level `error` for a problem that is not an exception,
    and the `state` to persist once the posts are stored. It keeps its own time bound (the
    source deadline, or a crawl's own limits) and may raise `FetchError`; the caller
    (`collectors.collect.collect_source`) turns that, and any crash, into `result.error`, and
    applies what is shared: language detection and reporting each skip once."""

    def collect(self, *args: *CollectArgs) -> None:
        """Called as `collect(source, state, settings, fetcher, result)`."""


CollectFn = Callable[[SourceConfig, SourceState, CollectorSettings, Fetcher, CollectResult], None]


class PlatformCollector(Collector):
    """Base of the built-in collectors: each names the function that does its work (`run`,
    given the `collect` arguments in order) and, if it is not the source deadline, what
    bounds that work (`bound`)."""

    run: CollectFn

    def bound(
        self, source: SourceConfig, settings: CollectorSettings, fetcher: Fetcher
    ) -> AbstractContextManager[object]:
        return source_deadline(settings.max_source_s)

    def collect(self, *args: *CollectArgs) -> None:
        source, _state, settings, fetcher, _result = args
        with self.bound(source, settings, fetcher):
            self.run(*args)
