"""`mastodon_tag` sources: a Mastodon hashtag's RSS feed (`/tags/<tag>.rss`). Its items name
no author, so the author's handle is read from the post's link."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

from collectors.base import PlatformCollector
from collectors.feed import FeedItem, collect_feed

_HANDLE = re.compile(r"^https?://([^/]+)/@([A-Za-z0-9_.]+)(@[^/]+)?/\d+")


def with_handle(item: FeedItem) -> FeedItem:
    if item.author or not item.link:
        return item
    match = _HANDLE.match(item.link)
    if not match:
        return item
    # A remote account's URL carries its own domain; a local one gets the host's.
    return replace(item, author=f"@{match.group(2)}" + (match.group(3) or f"@{match.group(1)}"))


class MastodonTagCollector(PlatformCollector):
    run = staticmethod(partial(collect_feed, adapt=with_handle))
