"""`feed` sources: any RSS, Atom or JSON Feed, taken as it is (no platform quirks)."""

from __future__ import annotations

from collectors.base import PlatformCollector
from collectors.feed import collect_feed


class FeedCollector(PlatformCollector):
    run = staticmethod(collect_feed)
