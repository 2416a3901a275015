"""The polite HTTP fetch of the collectors: one GET with robots.txt checked, the host's pace
kept, redirects followed, failures retried, and the size and time limits enforced. The rules
themselves live in `robots`, `pacing`, `retry` and `limits`; this module applies them to a
request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from collectors import limits, robots
from collectors.errors import FetchError
from collectors.pacing import GATE, DomainGate, request_delay
from collectors.retry import RETRY_STATUSES, retry_after_s, wait_before_retry
from collectors.settings import CollectorSettings

log = logging.getLogger(__name__)

_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(slots=True)
class FetchResult:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    requests: int = 0
    elapsed_s: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None


@dataclass
class Fetcher:
    """One per collection run (or per thread); thread-safe through the shared gate."""

    settings: CollectorSettings
    gate: DomainGate = field(default_factory=lambda: GATE)
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            transport=limits.deadline_transport(),
            timeout=httpx.Timeout(self.settings.timeout_s),
            follow_redirects=False,
            headers={
                "User-Agent": self.settings.user_agent,
                "Accept-Encoding": "gzip, deflate",
                "From": self.settings.contact,
            },
        )
        self._robots = robots.RobotsCache(self.settings.robots_cache_s)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- robots.txt -------------------------------------------------------------------

    def check_robots(self, url: str) -> tuple[float, int]:
        """Raise RobotsDisallowed if we may not fetch `url`; return (crawl delay, requests)."""
        if not self.settings.obey_robots:
            return 0.0, 0
        rules = self._robots.get(url)
        requests = 0
        if rules is None:
            where = robots.robots_url(url)
            try:
                result = self._get(where, {}, max_bytes=robots.ROBOTS_MAX_BYTES)
            except FetchError as exc:
                rules = robots.unreadable(exc)
            else:
                requests = result.requests
                rules = robots.from_response(where, result.status, result.body)
            self._robots.put(url, rules)
        return robots.crawl_delay(rules, url, self.settings.user_agent), requests

    # -- fetching ---------------------------------------------------------------------

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url` politely (robots, gate, retries, redirects, caps). Raises FetchError."""
        started = time.monotonic()
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        visited: list[str] = []
        requests = 0
        current = url
        while True:
            if current in visited:
                raise FetchError(f"redirect loop: {' -> '.join([*visited, current])}")
            if len(visited) > self.settings.max_redirects:
                raise FetchError(f"more than {self.settings.max_redirects} redirects from {url}")
            visited.append(current)
            crawl_delay, robots_requests = self.check_robots(current)
            requests += robots_requests
            result = self._get(current, conditional, crawl_delay=crawl_delay)
            requests += result.requests
            if result.status in _REDIRECTS:
                location = result.headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {result.status} without Location from {current}")
                current = urljoin(current, location)
                continue
            result.requests = requests
            result.elapsed_s = time.monotonic() - started
            if result.status >= 400:
                raise FetchError(f"HTTP {result.status} from {current}")
            return result

    def _get(
        self,
        url: str,
        headers: dict[str, str],
        *,
        crawl_delay: float = 0.0,
        max_bytes: int | None = None,
    ) -> FetchResult:
        settings = self.settings
        delay = request_delay(settings.per_domain_delay_s, crawl_delay)
        attempts = 0
        while True:
            attempts += 1
            retry_after: float | None = None
            problem: str
            left = limits.source_left()
            if left is not None and left <= 0:
                raise limits.source_exceeded(url, "before fetching", settings.max_source_s)
            try:
                with self.gate.slot(url, delay):
                    result = self._once(url, headers, max_bytes or settings.max_bytes)
            except httpx.TimeoutException:
                problem = f"timed out after {settings.timeout_s:g} s fetching {url}"
            except httpx.TransportError as exc:
                problem = f"cannot fetch {url}: {type(exc).__name__}: {exc}"
            else:
                result.requests = attempts
                if result.status not in RETRY_STATUSES:
                    return result
                retry_after = retry_after_s(result.headers.get("retry-after"))
                problem = f"HTTP {result.status} from {url}"
                if attempts > settings.retries:
                    # The caller turns a final 5xx/429 into a readable error.
                    return result
            if attempts > settings.retries:
                raise FetchError(f"{problem} (gave up after {attempts} attempts)")
            wait = wait_before_retry(
                problem,
                attempts,
                retry_after,
                backoff_base_s=settings.backoff_base_s,
                max_retry_after_s=settings.max_retry_after_s,
                source_left=limits.source_left(),
                source_budget=limits.source_budget(settings.max_source_s),
            )
            log.info("retrying %s in %.2f s: %s", url, wait, problem)
            self.sleep(wait)

    def _once(self, url: str, headers: dict[str, str], max_bytes: int) -> FetchResult:
        settings = self.settings
        started = time.monotonic()
        deadline, by_source = limits.request_deadline_from(started, settings.max_fetch_s)
        if deadline <= started:
            raise limits.source_exceeded(url, "before fetching", settings.max_source_s)

        def too_slow() -> limits.DeadlineExceeded:
            if by_source:
                return limits.source_exceeded(url, "while fetching", settings.max_source_s)
            return limits.DeadlineExceeded(
                f"{url} took longer than {settings.max_fetch_s:g} s (the deadline per "
                "request) to download; stopped reading"
            )

        try:
            with (
                limits.request_deadline(deadline),
                self._client.stream("GET", url, headers=headers) as response,
            ):
                status = response.status_code
                if status in _REDIRECTS or status == 304 or status >= 400:
                    return FetchResult(str(response.url), status, response.headers)
                limits.check_announced_size(
                    url, response.headers.get("content-length", ""), max_bytes
                )
                decoder = limits.Decoder(response.headers.get("content-encoding", ""), max_bytes)
                body = bytearray()
                raw = 0
                # No chunk size: each network read comes back as it arrives, so the deadline
                # is checked between reads, not only after 64 KiB.
                for chunk in response.iter_raw():
                    raw += len(chunk)
                    if raw > max_bytes:
                        raise limits.over_size_cap(url, max_bytes)
                    body += decoder.feed(chunk, len(body))
                    if len(body) > max_bytes:
                        raise limits.over_size_cap(url, max_bytes)
                    if time.monotonic() > deadline:
                        raise too_slow()
                return FetchResult(str(response.url), status, response.headers, bytes(body))
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            if time.monotonic() >= deadline - 0.05:
                raise too_slow() from exc
            raise
