"""Which collector serves which source kind, as Scrapy's DOWNLOAD_HANDLERS choose a download
handler by URL scheme. The kinds a `sources.yml` may name are the kinds registered here; a new
platform is one module in `collectors/platforms/` and one line in `_BUILT_IN`."""

from __future__ import annotations

import re
from collections.abc import Mapping

from collectors.base import Collector
from collectors.models import SourceKind
from collectors.platforms.mastodon import MastodonTagCollector
from collectors.platforms.reddit import RedditCollector
from collectors.platforms.rss import FeedCollector
from collectors.platforms.telegram import TelegramCollector
from collectors.platforms.web_page import WebPageCollector

# The form of a kind's name; what SourceConfig.kind accepts before the registry is asked.
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


class UnknownSourceKind(LookupError):
    """No collector is registered for a source's kind."""


class CollectorRegistry:
    """Source kind -> collector. Not thread-safe to change: register at start-up (or in a
    test, on a `copy()`), then only look up."""

    def __init__(self, collectors: Mapping[str, Collector] | None = None) -> None:
        self._collectors: dict[str, Collector] = {}
        for kind, collector in (collectors or {}).items():
            self.register(kind, collector)

    def register(self, kind: str, collector: Collector) -> None:
        """Serve `kind` with `collector` (replacing the one registered before, if any)."""
        kind = str(kind)
        if not KIND_PATTERN.match(kind):
            raise ValueError(f"not a valid source kind name: {kind!r}")
        self._collectors[kind] = collector

    def collector_for(self, kind: str) -> Collector:
        try:
            return self._collectors[str(kind)]
        except KeyError:
            raise UnknownSourceKind(
                f"unknown source kind {str(kind)!r} (known kinds: {', '.join(self.kinds())})"
            ) from None

    def kinds(self) -> list[str]:
        return sorted(self._collectors)

    def __contains__(self, kind: object) -> bool:
        return str(kind) in self._collectors

    def copy(self) -> CollectorRegistry:
        return CollectorRegistry(self._collectors)


_BUILT_IN: dict[str, Collector] = {
    SourceKind.FEED: FeedCollector(),
    SourceKind.MASTODON_TAG: MastodonTagCollector(),
    SourceKind.REDDIT: RedditCollector(),
    SourceKind.TELEGRAM_PUBLIC: TelegramCollector(),
    SourceKind.PAGE: WebPageCollector(),
}

# The registry the collectors use unless they are handed another one.
REGISTRY = CollectorRegistry(_BUILT_IN)
