"""Polite HTTP for the collectors: robots.txt, one request at a time per domain with a delay,
retries honouring Retry-After, and hard caps on size, decompressed size and time.

Time is capped on the wall clock, not per socket read: every connect, write and read of a
request is given only what is left of the request's deadline (`max_fetch_s`) and of the
source's (`max_source_s`, see `Fetcher.source_deadline`), so a server that drips one byte at
a time, in the headers or in the body, is cut off when the deadline passes."""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from collectors.settings import CollectorSettings

log = logging.getLogger(__name__)

_REDIRECTS = {301, 302, 303, 307, 308}
_RETRY_STATUSES = {429, 500, 502, 503, 504}
_ROBOTS_MAX_BYTES = 512 * 1024


class FetchError(Exception):
    """A source-level fetch failure; the message is meant for an analyst or admin."""


class RobotsDisallowed(FetchError):
    pass


class DeadlineExceeded(FetchError):
    """A request or a whole source took longer than its wall-clock budget."""


# The wall-clock deadlines (time.monotonic()) of the request and the source that the current
# thread is working on. Thread-local: one Fetcher serves several worker threads.
_deadlines = threading.local()


def _remaining(timeout: float | None, error: type[Exception]) -> float | None:
    """`timeout` shortened to what is left of the current deadline; `error` when none is left."""
    deadline: float | None = getattr(_deadlines, "request", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("wall-clock deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the current deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: object,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(
                ssl_context,  # type: ignore[arg-type]
                server_hostname,
                _remaining(timeout, httpcore.ConnectTimeout),
            )
        )

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.NetworkStream:
        stream = super().connect_tcp(
            host,
            port,
            _remaining(timeout, httpcore.ConnectTimeout),
            local_address,
            socket_options,  # type: ignore[arg-type]
        )
        return _DeadlineStream(stream)


def _deadline_transport() -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):
        pool._network_backend = _DeadlineBackend()
    else:  # pragma: no cover - another httpx/httpcore layout: reads are still checked
        log.warning("httpx transport without a network backend; deadlines checked per read")
    return transport


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


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


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


@dataclass(slots=True)
class _Robots:
    parser: RobotFileParser | None  # None: nothing to obey (no robots.txt)
    fetched_at: float
    problem: str | None = None  # set when robots.txt could not be read: fetch nothing


class _Decoder:
    """Content-Encoding decoding with a cap on the *decompressed* size (gzip bombs)."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        self.limit = limit
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes, produced: int) -> bytes:
        if self._z is None:
            return chunk
        room = self.limit - produced + 1
        try:
            out = self._z.decompress(chunk, room)
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed response: {exc}") from exc
        if len(out) >= room or self._z.unconsumed_tail:
            raise FetchError(
                f"decompressed response exceeds the {self.limit // 1024} KiB cap "
                "(compression bomb?); stopped reading"
            )
        return out


def retry_after_s(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass
class Fetcher:
    """One per collection run (or per thread); thread-safe through the shared gate."""

    settings: CollectorSettings
    gate: DomainGate = field(default_factory=lambda: GATE)
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            transport=_deadline_transport(),
            timeout=httpx.Timeout(self.settings.timeout_s),
            follow_redirects=False,
            headers={
                "User-Agent": self.settings.user_agent,
                "Accept-Encoding": "gzip, deflate",
                "From": self.settings.contact,
            },
        )
        self._robots: dict[str, _Robots] = {}
        self._robots_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- deadlines --------------------------------------------------------------------

    @contextmanager
    def source_deadline(self, seconds: float | None = None) -> Iterator[float]:
        """All requests of one source (robots.txt, redirects, retries, pages) in this thread
        end within `seconds` (default `settings.max_source_s`) of entering the block."""
        budget = self.settings.max_source_s if seconds is None else seconds
        deadline = time.monotonic() + budget
        saved = getattr(_deadlines, "source", None), getattr(_deadlines, "source_budget", None)
        _deadlines.source, _deadlines.source_budget = deadline, budget
        try:
            yield deadline
        finally:
            _deadlines.source, _deadlines.source_budget = saved

    def _source_left(self) -> float | None:
        deadline: float | None = getattr(_deadlines, "source", None)
        return None if deadline is None else deadline - time.monotonic()

    def _source_exceeded(self, url: str, doing: str) -> DeadlineExceeded:
        budget = getattr(_deadlines, "source_budget", None) or self.settings.max_source_s
        return DeadlineExceeded(
            f"source deadline of {budget:g} s passed {doing} {url}; "
            "stopped, will try again at the next poll"
        )

    # -- robots.txt -------------------------------------------------------------------

    def _robots_for(self, url: str) -> tuple[_Robots, int]:
        key = host_key(url)
        with self._robots_lock:
            cached = self._robots.get(key)
            if cached and time.monotonic() - cached.fetched_at < self.settings.robots_cache_s:
                return cached, 0
        robots_url = key + "/robots.txt"
        requests = 0
        try:
            result = self._get(robots_url, {}, max_bytes=_ROBOTS_MAX_BYTES)
            requests = result.requests
        except FetchError as exc:
            entry = _Robots(None, time.monotonic(), f"robots.txt unreadable ({exc})")
        else:
            status = result.status
            if status in (401, 403):
                parser = RobotFileParser(robots_url)
                parser.disallow_all = True
                entry = _Robots(parser, time.monotonic())
            elif 400 <= status < 500:
                entry = _Robots(None, time.monotonic())
            elif status >= 500 or status in _REDIRECTS:
                # RFC 9309: an unreachable robots.txt means "assume everything is disallowed".
                entry = _Robots(None, time.monotonic(), f"robots.txt returned HTTP {status}")
            else:
                parser = RobotFileParser(robots_url)
                parser.parse(result.body.decode("utf-8", "replace").splitlines())
                entry = _Robots(parser, time.monotonic())
        with self._robots_lock:
            self._robots[key] = entry
        return entry, requests

    def check_robots(self, url: str) -> tuple[float, int]:
        """Raise RobotsDisallowed if we may not fetch `url`; return (crawl delay, requests)."""
        if not self.settings.obey_robots:
            return 0.0, 0
        entry, requests = self._robots_for(url)
        if entry.problem:
            raise RobotsDisallowed(f"{entry.problem}; not fetching {url} (RFC 9309)")
        if entry.parser is None:
            return 0.0, requests
        if not entry.parser.can_fetch(self.settings.user_agent, url):
            raise RobotsDisallowed(f"robots.txt of {host_key(url)} disallows {url}")
        delay = entry.parser.crawl_delay(self.settings.user_agent)
        return float(delay or 0.0), requests

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
        delay = max(settings.per_domain_delay_s, min(crawl_delay, 60.0))
        attempts = 0
        while True:
            attempts += 1
            retry_after: float | None = None
            problem: str
            left = self._source_left()
            if left is not None and left <= 0:
                raise self._source_exceeded(url, "before fetching")
            try:
                with self.gate.slot(url, delay):
                    result = self._once(url, headers, max_bytes or settings.max_bytes)
            except httpx.TimeoutException:
                problem = f"timed out after {settings.timeout_s:g} s fetching {url}"
            except httpx.TransportError as exc:
                problem = f"cannot fetch {url}: {type(exc).__name__}: {exc}"
            else:
                result.requests = attempts
                if result.status not in _RETRY_STATUSES:
                    return result
                retry_after = retry_after_s(result.headers.get("retry-after"))
                problem = f"HTTP {result.status} from {url}"
                if attempts > settings.retries:
                    # The caller turns a final 5xx/429 into a readable error.
                    return result
            if attempts > settings.retries:
                raise FetchError(f"{problem} (gave up after {attempts} attempts)")
            wait = settings.backoff_base_s * 2 ** (attempts - 1)
            if retry_after is not None:
                if retry_after > settings.max_retry_after_s:
                    raise FetchError(
                        f"{problem}; server asks to retry after {retry_after:.0f} s, "
                        "which is longer than we wait; will try at the next poll"
                    )
                wait = max(wait, retry_after)
            left = self._source_left()
            if left is not None and wait >= left:
                raise DeadlineExceeded(
                    f"{problem}; no time left to retry within the source deadline of "
                    f"{getattr(_deadlines, 'source_budget', None) or settings.max_source_s:g} s; "
                    "will try again at the next poll"
                )
            log.info("retrying %s in %.2f s: %s", url, wait, problem)
            self.sleep(wait)

    def _once(self, url: str, headers: dict[str, str], max_bytes: int) -> FetchResult:
        settings = self.settings
        started = time.monotonic()
        deadline = started + settings.max_fetch_s
        source_deadline: float | None = getattr(_deadlines, "source", None)
        by_source = source_deadline is not None and source_deadline < deadline
        if by_source:
            deadline = source_deadline  # type: ignore[assignment]
        if deadline <= started:
            raise self._source_exceeded(url, "before fetching")

        def too_slow() -> DeadlineExceeded:
            if by_source:
                return self._source_exceeded(url, "while fetching")
            return DeadlineExceeded(
                f"{url} took longer than {settings.max_fetch_s:g} s (the deadline per "
                "request) to download; stopped reading"
            )

        saved = getattr(_deadlines, "request", None)
        _deadlines.request = deadline
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in _REDIRECTS or status == 304 or status >= 400:
                    return FetchResult(str(response.url), status, response.headers)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(
                        f"{url} announces {int(declared) // 1024} KiB, over the "
                        f"{max_bytes // 1024} KiB size cap; not downloading"
                    )
                decoder = _Decoder(response.headers.get("content-encoding", ""), max_bytes)
                body = bytearray()
                raw = 0
                # No chunk size: each network read comes back as it arrives, so the deadline
                # is checked between reads, not only after 64 KiB.
                for chunk in response.iter_raw():
                    raw += len(chunk)
                    if raw > max_bytes:
                        raise FetchError(
                            f"{url} is larger than the {max_bytes // 1024} KiB size cap; "
                            "stopped reading"
                        )
                    body += decoder.feed(chunk, len(body))
                    if len(body) > max_bytes:
                        raise FetchError(
                            f"{url} is larger than the {max_bytes // 1024} KiB size cap; "
                            "stopped reading"
                        )
                    if time.monotonic() > deadline:
                        raise too_slow()
                return FetchResult(str(response.url), status, response.headers, bytes(body))
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            if time.monotonic() >= deadline - 0.05:
                raise too_slow() from exc
            raise
        finally:
            _deadlines.request = saved
