"""The politeness rules, each in its own module (issue 17, point 4), checked without a
network: robots.txt outcomes, retry waits, per-host pacing, and the size and time limits.
End-to-end behaviour over HTTP is in test_collectors_robustness.py."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from collectors import limits, pacing, retry, robots
from collectors.errors import FetchError

URL = "https://Example.org/nieuws/1"
AGENT = "oov-signals-test/0.1"


@pytest.mark.parametrize(
    ("status", "allowed", "problem"),
    [(200, True, False), (404, True, False), (401, False, False), (403, False, False),
     (500, False, True), (503, False, True), (301, False, True), (302, False, True)],
)
def test_robots_response_statuses_follow_rfc_9309(status, allowed, problem) -> None:
    rules = robots.from_response("https://example.org/robots.txt", status, b"")
    assert (rules.problem is not None) is problem
    if allowed:
        assert robots.crawl_delay(rules, URL, AGENT) == 0.0
    else:
        with pytest.raises(robots.RobotsDisallowed):
            robots.crawl_delay(rules, URL, AGENT)


def test_robots_rules_and_crawl_delay_are_read() -> None:
    body = b"User-agent: *\nDisallow: /intern/\nCrawl-delay: 7\n"
    rules = robots.from_response("https://example.org/robots.txt", 200, body)
    assert robots.crawl_delay(rules, URL, AGENT) == 7.0
    with pytest.raises(robots.RobotsDisallowed, match="disallows"):
        robots.crawl_delay(rules, "https://example.org/intern/x", AGENT)
    assert isinstance(robots.RobotsDisallowed("x"), FetchError)


def test_robots_cache_is_per_host_and_expires() -> None:
    cache = robots.RobotsCache(max_age_s=60.0)
    rules = robots.from_response("https://example.org/robots.txt", 404, b"")
    cache.put(URL, rules)
    assert cache.get("https://example.org/other") is rules
    assert cache.get("https://other.example.org/") is None
    assert robots.RobotsCache(max_age_s=0.0).get(URL) is None
    assert robots.robots_url(URL) == "https://example.org/robots.txt"


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry.retry_after_s("30") == 30.0
    assert retry.retry_after_s(None) is None and retry.retry_after_s("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= (retry.retry_after_s(later) or 0) <= 90


def test_retry_wait_backs_off_and_honours_retry_after_within_limits() -> None:
    def wait(attempts: int, after: float | None, left: float | None = None) -> float:
        return retry.wait_before_retry(
            "HTTP 503", attempts, after, backoff_base_s=1.0, max_retry_after_s=120.0,
            source_left=left, source_budget=180.0,
        )

    assert [wait(n, None) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert wait(1, 30.0) == 30.0
    with pytest.raises(FetchError, match="longer than we wait"):
        wait(1, 121.0)
    with pytest.raises(limits.DeadlineExceeded, match="source deadline of 180 s"):
        wait(2, None, left=1.5)
    assert 503 in retry.RETRY_STATUSES and 404 not in retry.RETRY_STATUSES


def test_pacing_keys_by_host_and_caps_a_sites_crawl_delay() -> None:
    assert pacing.host_key(URL) == "https://example.org"
    assert pacing.request_delay(2.0, 0.0) == 2.0
    assert pacing.request_delay(2.0, 10.0) == 10.0
    assert pacing.request_delay(2.0, 3600.0) == pacing.MAX_CRAWL_DELAY_S


def test_gate_spaces_requests_to_one_host() -> None:
    gate = pacing.DomainGate()
    started = time.monotonic()
    for _ in range(2):
        with gate.slot(URL, 0.2):
            pass
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    with gate.slot("https://other.example.org/", 0.2):
        pass
    assert time.monotonic() - started < 0.2  # another host does not wait


def test_size_limits_refuse_announced_and_decompressed_excess() -> None:
    with pytest.raises(FetchError, match="announces 2048 KiB"):
        limits.check_announced_size(URL, str(2 * 1024 * 1024), 1024 * 1024)
    limits.check_announced_size(URL, "", 1024)  # nothing announced: read and count
    bomb = gzip.compress(b"\0" * (2 * 1024 * 1024))
    with pytest.raises(FetchError, match="compression bomb"):
        limits.Decoder("gzip", 1024 * 1024).feed(bomb, 0)
    assert limits.Decoder("gzip", 1024).feed(gzip.compress(b"hallo"), 0) == b"hallo"
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        limits.Decoder("br", 1024)


def test_source_deadlines_nest_and_are_restored() -> None:
    assert limits.source_left() is None
    with limits.source_deadline(30.0):
        with limits.source_deadline(5.0):
            assert 0 < (limits.source_left() or 0) <= 5.0
            assert limits.source_budget(180.0) == 5.0
        assert 5.0 < (limits.source_left() or 0) <= 30.0
        deadline, by_source = limits.request_deadline_from(time.monotonic(), 60.0)
        assert by_source and deadline - time.monotonic() <= 30.0
    assert limits.source_left() is None and limits.source_budget(180.0) == 180.0
    _, by_source = limits.request_deadline_from(time.monotonic(), 60.0)
    assert not by_source
