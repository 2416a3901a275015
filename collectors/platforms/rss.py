"""`feed` sources: any RSS, Atom or JSON Feed, taken as it is (no platform quirks)."""

from __future__ import annotations

from collectors.feed import collect_feed
from collectors.limits import source_deadline
from collectors.models import CollectResult, SourceConfig, SourceState
from collectors.net import Fetcher
from collectors.settings import CollectorSettings


class FeedCollector:
    def collect(
        self,
        source: SourceConfig,
        state: SourceState,
        settings: CollectorSettings,
        fetcher: Fetcher,
        result: CollectResult,
    ) -> None:
        with source_deadline(settings.max_source_s):
            collect_feed(source, state, settings, fetcher, result)
