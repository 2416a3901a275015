"""`reddit` sources: a subreddit's RSS feed (`/r/<name>/new/.rss`), without the
"submitted by /u/..." trailer Reddit appends to every item's text."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

from collectors.base import PlatformCollector
from collectors.feed import FeedItem, collect_feed

_TRAILER = re.compile(r"\s*submitted by\s+/u/\S+.*$", re.S | re.I)


def without_trailer(item: FeedItem) -> FeedItem:
    return replace(item, text=_TRAILER.sub("", item.text).strip())


class RedditCollector(PlatformCollector):
    run = staticmethod(partial(collect_feed, adapt=without_trailer))
