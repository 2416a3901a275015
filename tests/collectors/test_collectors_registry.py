"""The collector registry (issue 17, point 4): a source's kind chooses its collector, as
Scrapy's DOWNLOAD_HANDLERS choose a handler by URL scheme. Every configured kind has one, an
unknown kind is refused when the sources load, and a new platform is one registration."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from collectors import (
    SourceConfig,
    SourcesConfigError,
    SourceState,
    collect_many,
    collect_source,
    load_sources,
)
from collectors.base import CollectArgs, Collector
from collectors.models import ItemSkip, RawPost, SourceKind
from collectors.platforms.mastodon import MastodonTagCollector
from collectors.platforms.reddit import RedditCollector
from collectors.platforms.rss import FeedCollector
from collectors.platforms.telegram import TelegramCollector
from collectors.platforms.web_page import WebPageCollector
from collectors.registry import REGISTRY, CollectorRegistry, UnknownSourceKind
from tests.fixture_server import LEGAL_FIELDS

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = [ROOT / "config" / "sources.yml", ROOT / "config" / "demo" / "sources.yml"]


class ForumCollector:
    """A platform the code base does not know: one dated post and one skipped item."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def collect(self, *args: *CollectArgs) -> None:
        source, *_, result = args
        self.calls.append(source.id)
        result.requests += 1
        result.posts.append(
            RawPost(
                source_id=source.id,
                url=f"{source.url}topic/1",
                title="Oproep",
                text="Vanavond verzamelen bij het station in Almere Centrum, iedereen komt.",
                external_id="topic-1",
                published_at=datetime(2026, 12, 5, 12, 0, tzinfo=UTC),
            )
        )
        result.skipped.append(ItemSkip(f"{source.url}topic/2", "topic is locked"))
        result.state = SourceState(source_id=source.id, cursor="topic-1")


def _forum_source(source_id: str = "forum-almere") -> SourceConfig:
    return SourceConfig(
        id=source_id, kind="forum", url="https://forum.example.org/", **LEGAL_FIELDS
    )


def _write(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "sources.yml"
    entry = {"id": "nieuw", "kind": kind, "url": "https://forum.example.org/", **LEGAL_FIELDS}
    path.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_configured_kind_resolves_to_a_collector(config: Path) -> None:
    sources = load_sources(config, substitutions={"base_url": "http://127.0.0.1:1"})
    assert sources
    for source in sources:
        collector = REGISTRY.collector_for(source.kind)
        assert callable(getattr(collector, "collect", None)), source.kind


def test_each_built_in_kind_has_its_own_platform_collector() -> None:
    expected = {
        SourceKind.FEED: FeedCollector,
        SourceKind.MASTODON_TAG: MastodonTagCollector,
        SourceKind.REDDIT: RedditCollector,
        SourceKind.TELEGRAM_PUBLIC: TelegramCollector,
        SourceKind.PAGE: WebPageCollector,
    }
    assert REGISTRY.kinds() == sorted(expected)
    for kind, cls in expected.items():
        assert type(REGISTRY.collector_for(kind)) is cls
        assert kind in REGISTRY and str(kind) in REGISTRY


def test_unknown_kind_is_a_clear_error_at_config_load(tmp_path: Path) -> None:
    path = _write(tmp_path, "forum")
    with pytest.raises(SourcesConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert str(path) in message and "entry #0 (id='nieuw')" in message
    assert "field 'kind'" in message and "'forum'" in message
    # The message says what would have been accepted.
    assert "feed, mastodon_tag, page, reddit, telegram_public" in message


def test_a_malformed_kind_name_is_refused_before_the_registry_is_asked(tmp_path: Path) -> None:
    with pytest.raises(SourcesConfigError, match=r"field 'kind'"):
        load_sources(_write(tmp_path, "Forum Posts!"))


def test_unknown_kind_at_collect_time_is_a_result_error_not_an_exception(settings) -> None:
    result = collect_source(_forum_source(), None, settings)
    assert result.posts == []
    assert result.error is not None
    assert "unknown source kind 'forum'" in result.error and "telegram_public" in result.error
    with pytest.raises(UnknownSourceKind):
        REGISTRY.collector_for("forum")


def test_a_new_collector_can_be_registered(tmp_path: Path, settings) -> None:
    forum = ForumCollector()
    registry = REGISTRY.copy()
    registry.register("forum", forum)
    # Structurally a Collector: the protocol needs no base class.
    as_protocol: Collector = forum
    assert registry.collector_for("forum") is as_protocol

    [loaded] = load_sources(_write(tmp_path, "forum"), registry=registry)
    assert loaded.kind == "forum"

    result = collect_source(_forum_source(), None, settings, registry=registry)
    assert result.error is None and forum.calls == ["forum-almere"]
    assert [p.external_id for p in result.posts] == ["topic-1"]
    # The shared rules apply to any collector: language detection, skips reported once.
    assert result.posts[0].language == "nl"
    assert [s.reason for s in result.skipped] == ["topic is locked"]
    again = collect_source(_forum_source(), result.state, settings, registry=registry)
    assert again.skipped == [] and again.repeated_skips == 1

    # collect_many hands its registry on; the default registry never learnt the new kind.
    [many] = collect_many([_forum_source("forum-2")], {}, settings, registry=registry)
    assert many.error is None and forum.calls[-1] == "forum-2"
    assert "forum" not in REGISTRY


def test_dispatch_goes_through_the_registry_for_built_in_kinds_too(settings) -> None:
    stand_in = ForumCollector()
    registry = REGISTRY.copy()
    registry.register(SourceKind.FEED, stand_in)
    source = SourceConfig(
        id="feed-src", kind="feed", url="https://forum.example.org/", **LEGAL_FIELDS
    )
    result = collect_source(source, None, settings, registry=registry)
    assert stand_in.calls == ["feed-src"] and result.requests == 1
    assert type(REGISTRY.collector_for("feed")) is FeedCollector


@pytest.mark.parametrize("bad", ["", "Feed", "feed kind", "x", "9lives"])
def test_kind_names_are_plain_identifiers(bad: str) -> None:
    with pytest.raises(ValueError, match="not a valid source kind"):
        CollectorRegistry().register(bad, ForumCollector())
