"""`reddit` sources: a subreddit's RSS feed (`/r/<name>/new/.rss`), without the
"submitted by /u/..." trailer Reddit appends to every item's text."""

from __future__ import annotations

import re
from dataclasses import replace

from collectors.feed import FeedItem, collect_feed
from collectors.limits import source_deadline
from collectors.models import CollectResult, SourceConfig, SourceState
from collectors.net import Fetcher
from collectors.settings import CollectorSettings

_TRAILER = re.compile(r"\s*submitted by\s+/u/\S+.*$", re.S | re.I)


def without_trailer(item: FeedItem) -> FeedItem:
    return replace(item, text=_TRAILER.sub("", item.text).strip())


class RedditCollector:
    def collect(
        self,
        source: SourceConfig,
        state: SourceState,
        settings: CollectorSettings,
        fetcher: Fetcher,
        result: CollectResult,
    ) -> None:
        with source_deadline(settings.max_source_s):
            collect_feed(source, state, settings, fetcher, result, adapt=without_trailer)
