"""`mastodon_tag` sources: a Mastodon hashtag's RSS feed (`/tags/<tag>.rss`). Its items name
no author, so the author's handle is read from the post's link."""

from __future__ import annotations

import re
from dataclasses import replace

from collectors.feed import FeedItem, collect_feed
from collectors.limits import source_deadline
from collectors.models import CollectResult, SourceConfig, SourceState
from collectors.net import Fetcher
from collectors.settings import CollectorSettings

_HANDLE = re.compile(r"^https?://([^/]+)/@([A-Za-z0-9_.]+)(@[^/]+)?/\d+")


def with_handle(item: FeedItem) -> FeedItem:
    if item.author or not item.link:
        return item
    match = _HANDLE.match(item.link)
    if not match:
        return item
    # A remote account's URL carries its own domain; a local one gets the host's.
    return replace(item, author=f"@{match.group(2)}" + (match.group(3) or f"@{match.group(1)}"))


class MastodonTagCollector:
    def collect(
        self,
        source: SourceConfig,
        state: SourceState,
        settings: CollectorSettings,
        fetcher: Fetcher,
        result: CollectResult,
    ) -> None:
        with source_deadline(settings.max_source_s):
            collect_feed(source, state, settings, fetcher, result, adapt=with_handle)
