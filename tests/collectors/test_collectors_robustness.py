"""Bad input and impolite situations: each becomes a recorded error or skipped item, and
never stops the other sources."""

from __future__ import annotations

import time

import pytest

from collectors import SourceState, collect_many, collect_source
from collectors.net import Fetcher


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/status/404", "HTTP 404"),
        ("/status/500", "HTTP 500"),
        ("/loop/a", "redirect loop"),
        ("/huge", "size cap"),
        ("/bomb.xml", "compression bomb"),
        ("/private/intern.rss", "robots.txt"),
        ("/feeds/not-a-feed.html", "not a feed"),
    ],
)
def test_bad_source_gives_clear_error_not_exception(make_source, settings, path, expected):
    result = collect_source(make_source(path), None, settings)
    assert result.posts == []
    assert result.error is not None and expected in result.error
    assert result.latency_ms is not None


def test_robots_disallowed_feed_is_never_fetched(make_source, settings, fixture_server):
    collect_source(make_source("/private/intern.rss"), None, settings)
    assert fixture_server.hits("/robots.txt")
    assert fixture_server.hits("/private/intern.rss") == []


def test_robots_can_be_switched_off_explicitly(make_source, settings, fixture_server):
    settings.obey_robots = False
    result = collect_source(make_source("/private/intern.rss"), None, settings)
    assert result.error is None and len(result.posts) == 1
    assert fixture_server.hits("/robots.txt") == []


def test_timeout_is_an_error(make_source, settings):
    settings.timeout_s = 0.3
    settings.retries = 0
    result = collect_source(make_source("/slow/1.5/feeds/omroep-flevoland.rss"), None, settings)
    assert result.error is not None and "timed out" in result.error


def test_huge_page_is_not_downloaded_beyond_the_cap(make_source, settings):
    settings.max_bytes = 256 * 1024
    result = collect_source(make_source("/huge"), None, settings)
    assert "256 KiB size cap" in (result.error or "")


def test_429_retry_after_is_honoured(make_source, settings, fixture_server):
    slept: list[float] = []
    settings.retries = 2
    with Fetcher(settings, sleep=slept.append) as fetcher:
        result = collect_source(
            make_source("/ratelimited/a?after=7&n=1"), None, settings, fetcher=fetcher
        )
    assert result.error is None and len(result.posts) == 3
    assert slept == [7.0]  # the server's Retry-After, not our (tiny) backoff
    assert len(fixture_server.hits("/ratelimited/a")) == 2


def test_retry_after_longer_than_we_wait_is_reported(make_source, settings):
    slept: list[float] = []
    with Fetcher(settings, sleep=slept.append) as fetcher:
        result = collect_source(
            make_source("/ratelimited/b?after=3600&n=5"), None, settings, fetcher=fetcher
        )
    assert slept == []
    assert "retry after 3600 s" in (result.error or "")


def test_5xx_is_retried_with_exponential_backoff(make_source, settings, fixture_server):
    slept: list[float] = []
    settings.retries = 3
    settings.backoff_base_s = 0.5
    with Fetcher(settings, sleep=slept.append) as fetcher:
        result = collect_source(make_source("/flaky/c?n=2"), None, settings, fetcher=fetcher)
    assert result.error is None and len(result.posts) == 3
    assert slept == [0.5, 1.0]
    assert len(fixture_server.hits("/flaky/c")) == 3


def test_persistent_5xx_gives_up_after_retries(make_source, settings, fixture_server):
    slept: list[float] = []
    settings.retries = 2
    with Fetcher(settings, sleep=slept.append) as fetcher:
        result = collect_source(make_source("/flaky/d?n=99"), None, settings, fetcher=fetcher)
    assert "HTTP 503" in (result.error or "")
    assert len(fixture_server.hits("/flaky/d")) == 3


def test_one_broken_source_never_stops_the_others(make_source, settings):
    sources = [
        make_source("/feeds/omroep-flevoland.rss", source_id="good-1"),
        make_source("/bomb.xml", source_id="bomb"),
        make_source("/loop/a", source_id="loop"),
        make_source("/feeds/malformed.rss", source_id="malformed"),
        make_source("/status/500", source_id="down"),
        make_source("/feeds/almere-deze-week.atom", source_id="good-2"),
        make_source("/feeds/buurtplatform.json", source_id="disabled", enabled=False),
    ]
    results = collect_many(sources, {}, settings)

    by_id = {r.source_id: r for r in results}
    assert list(by_id) == ["good-1", "bomb", "loop", "malformed", "down", "good-2"]
    assert len(by_id["good-1"].posts) == 3 and by_id["good-1"].error is None
    assert len(by_id["good-2"].posts) == 2 and by_id["good-2"].error is None
    assert len(by_id["malformed"].posts) == 1 and by_id["malformed"].error
    for broken in ("bomb", "loop", "down"):
        assert by_id[broken].error and by_id[broken].posts == []


def test_collect_many_dedups_on_rerun_with_returned_states(make_source, settings):
    sources = [
        make_source("/feeds/omroep-flevoland.rss", source_id="omroep"),
        make_source("/gen/feed/3.xml?items=4", source_id="generated"),
    ]
    first = collect_many(sources, {}, settings)
    states = {r.source_id: r.state for r in first if r.state}
    second = collect_many(sources, states, settings)

    assert [len(r.posts) for r in first] == [3, 4]
    assert [len(r.posts) for r in second] == [0, 0]
    assert second[0].not_modified is True


def test_one_request_at_a_time_per_domain_with_delay(make_source, settings, fixture_server):
    settings.per_domain_delay_s = 0.15
    sources = [
        make_source(f"/slow/0.1/feeds/omroep-flevoland.rss?s={i}", source_id=f"s{i}")
        for i in range(4)
    ]
    results = collect_many(sources, {}, settings)

    assert all(r.error is None for r in results)
    assert fixture_server.max_in_flight == 1
    starts = sorted(r.at for r in fixture_server.requests)
    # Each request starts at least the configured delay after the previous one ended.
    assert all(b - a >= 0.15 + 0.1 - 0.01 for a, b in zip(starts[1:], starts[2:], strict=False))


def test_unparseable_cursor_is_ignored(make_source, settings):
    state = SourceState(source_id="src", cursor="{not json")
    result = collect_source(make_source("/feeds/omroep-flevoland.rss"), state, settings)
    assert result.error is None and len(result.posts) == 3


def test_unexpected_collector_crash_becomes_an_error(make_source, settings, monkeypatch):
    import collectors.feed as feed_module

    def explode(*_args, **_kwargs):
        raise RuntimeError("parser blew up")

    monkeypatch.setattr(feed_module, "parse_feed", explode)
    results = collect_many(
        [make_source("/feeds/omroep-flevoland.rss", source_id="boom")], {}, settings
    )
    assert results[0].error == "internal collector error: RuntimeError: parser blew up"


# -- issue 16: wall-clock deadlines per request and per source ---------------------------


@pytest.mark.parametrize("phase", ["body", "headers"])
def test_slow_drip_is_cut_off_at_the_request_deadline(make_source, settings, phase):
    settings.max_fetch_s = 1.5
    settings.timeout_s = 5.0  # each single read is well within the read timeout
    settings.retries = 0
    started = time.monotonic()
    result = collect_source(
        make_source(f"/drip?interval=0.5&for=8&phase={phase}"), None, settings
    )
    elapsed = time.monotonic() - started

    assert result.posts == []
    assert "took longer than 1.5 s" in (result.error or "")
    assert elapsed < 1.5 + 1.0


def test_retries_stop_at_the_source_deadline(make_source, settings, fixture_server):
    settings.retries = 5
    settings.backoff_base_s = 0.4  # waits 0.4, 0.8, 1.6, ... between attempts
    settings.max_source_s = 1.5
    started = time.monotonic()
    result = collect_source(make_source("/flaky/g?n=99"), None, settings)
    elapsed = time.monotonic() - started

    assert "source deadline of 1.5 s" in (result.error or "")
    assert elapsed < 1.5 + 0.5
    assert len(fixture_server.hits("/flaky/g")) == 3


def test_retry_after_beyond_the_source_deadline_is_not_waited_for(make_source, settings):
    settings.retries = 2
    settings.max_source_s = 2.0
    started = time.monotonic()
    result = collect_source(make_source("/ratelimited/h?after=3&n=5"), None, settings)

    assert "source deadline" in (result.error or "")
    assert time.monotonic() - started < 1.0


def test_each_source_is_handed_over_as_soon_as_it_is_done(make_source, settings):
    settings.max_fetch_s = 2.0
    settings.retries = 0
    sources = [
        make_source("/feeds/omroep-flevoland.rss", source_id="good-1"),
        make_source("/drip?interval=2&for=30", source_id="drip"),
        make_source("/feeds/almere-deze-week.atom", source_id="good-2"),
    ]
    started = time.monotonic()
    delivered: dict[str, float] = {}
    results = collect_many(
        sources,
        {},
        settings,
        on_result=lambda r: delivered.setdefault(r.source_id, time.monotonic() - started),
    )
    elapsed = time.monotonic() - started

    assert list(delivered) == ["good-1", "drip", "good-2"]
    assert delivered["good-1"] < 1.0  # long before the drip source gave up
    assert 2.0 <= delivered["drip"] < 2.0 + 1.0
    assert elapsed < 2.0 + 1.5
    by_id = {r.source_id: r for r in results}
    assert len(by_id["good-1"].posts) == 3 and len(by_id["good-2"].posts) == 2
    assert "took longer than 2 s" in (by_id["drip"].error or "")


def test_a_failing_result_handler_is_recorded_and_the_run_goes_on(make_source, settings):
    sources = [
        make_source("/feeds/omroep-flevoland.rss", source_id="good-1"),
        make_source("/feeds/almere-deze-week.atom", source_id="good-2"),
    ]

    def handler(result):
        if result.source_id == "good-1":
            raise RuntimeError("database is gone")

    results = collect_many(sources, {}, settings, on_result=handler)
    assert "could not be stored: RuntimeError: database is gone" in (results[0].error or "")
    assert results[1].error is None
