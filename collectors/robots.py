"""robots.txt (RFC 9309): what its fetch outcome means, a per-host cache of the rules, and
whether a URL may be fetched (and with which Crawl-delay). Fetching robots.txt itself is the
HTTP fetch's job (`collectors.net.Fetcher.check_robots`)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from collectors.errors import FetchError
from collectors.pacing import host_key

ROBOTS_MAX_BYTES = 512 * 1024


class RobotsDisallowed(FetchError):
    pass


@dataclass(slots=True)
class Robots:
    parser: RobotFileParser | None  # None: nothing to obey (no robots.txt)
    fetched_at: float
    problem: str | None = None  # set when robots.txt could not be read: fetch nothing


def robots_url(url: str) -> str:
    return host_key(url) + "/robots.txt"


def unreadable(exc: Exception) -> Robots:
    return Robots(None, time.monotonic(), f"robots.txt unreadable ({exc})")


def from_response(url: str, status: int, body: bytes) -> Robots:
    """The rules a robots.txt response at `url` stands for."""
    if status in (401, 403):
        parser = RobotFileParser(url)
        parser.disallow_all = True
        return Robots(parser, time.monotonic())
    if 400 <= status < 500:
        return Robots(None, time.monotonic())
    if status >= 500 or 300 <= status < 400:
        # RFC 9309: an unreachable robots.txt means "assume everything is disallowed". It is
        # fetched without following redirects, so a redirect counts as unreachable.
        return Robots(None, time.monotonic(), f"robots.txt returned HTTP {status}")
    parser = RobotFileParser(url)
    parser.parse(body.decode("utf-8", "replace").splitlines())
    return Robots(parser, time.monotonic())


def crawl_delay(robots: Robots, url: str, user_agent: str) -> float:
    """The Crawl-delay for `url`; raise RobotsDisallowed if we may not fetch it."""
    if robots.problem:
        raise RobotsDisallowed(f"{robots.problem}; not fetching {url} (RFC 9309)")
    if robots.parser is None:
        return 0.0
    if not robots.parser.can_fetch(user_agent, url):
        raise RobotsDisallowed(f"robots.txt of {host_key(url)} disallows {url}")
    return float(robots.parser.crawl_delay(user_agent) or 0.0)


class RobotsCache:
    """The rules per host, kept for `max_age_s`; thread-safe."""

    def __init__(self, max_age_s: float) -> None:
        self.max_age_s = max_age_s
        self._entries: dict[str, Robots] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> Robots | None:
        with self._lock:
            cached = self._entries.get(host_key(url))
        if cached and time.monotonic() - cached.fetched_at < self.max_age_s:
            return cached
        return None

    def put(self, url: str, robots: Robots) -> None:
        with self._lock:
            self._entries[host_key(url)] = robots
