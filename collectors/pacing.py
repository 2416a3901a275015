"""Pacing per host: at most one request in flight per domain, a delay between requests, and
the host key that decides what counts as one domain (also for grouping sources per host)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

# A robots.txt Crawl-delay above this is capped: a site cannot stall a whole run.
MAX_CRAWL_DELAY_S = 60.0


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def request_delay(per_domain_delay_s: float, crawl_delay_s: float) -> float:
    """Seconds between two requests to a host: ours, or the site's Crawl-delay if longer."""
    return max(per_domain_delay_s, min(crawl_delay_s, MAX_CRAWL_DELAY_S))


class DomainGate:
    """Process-wide: at most one request in flight per domain, `delay` seconds apart."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    @contextmanager
    def slot(self, url: str, delay_s: float) -> Iterator[None]:
        key = host_key(url)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            wait = self._last.get(key, float("-inf")) + delay_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[key] = time.monotonic()


GATE = DomainGate()
