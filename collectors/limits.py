"""Size and time limits of a fetch: the wall-clock deadlines of a request and of a source,
and the caps on the downloaded and the decompressed size.

Time is capped on the wall clock, not per socket read: every connect, write and read of a
request is given only what is left of the request's deadline (`max_fetch_s`) and of the
source's (`max_source_s`, see `source_deadline`), so a server that drips one byte at a time,
in the headers or in the body, is cut off when the deadline passes."""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import httpcore
import httpx

from collectors.errors import FetchError

log = logging.getLogger(__name__)


class DeadlineExceeded(FetchError):
    """A request or a whole source took longer than its wall-clock budget."""


# The wall-clock deadlines (time.monotonic()) of the request and the source that the current
# thread is working on. Thread-local: one Fetcher serves several worker threads.
_deadlines = threading.local()


# -- the source's deadline ---------------------------------------------------------------


@contextmanager
def source_deadline(seconds: float) -> Iterator[float]:
    """All requests of one source (robots.txt, redirects, retries, pages) in this thread end
    within `seconds` of entering the block."""
    deadline = time.monotonic() + seconds
    saved = getattr(_deadlines, "source", None), getattr(_deadlines, "source_budget", None)
    _deadlines.source, _deadlines.source_budget = deadline, seconds
    try:
        yield deadline
    finally:
        _deadlines.source, _deadlines.source_budget = saved


def source_left() -> float | None:
    """Seconds left of the current source's deadline; None outside `source_deadline`."""
    deadline: float | None = getattr(_deadlines, "source", None)
    return None if deadline is None else deadline - time.monotonic()


def source_budget(default: float) -> float:
    """The current source's budget in seconds (`default` outside `source_deadline`)."""
    return getattr(_deadlines, "source_budget", None) or default


def source_exceeded(url: str, doing: str, default_budget: float) -> DeadlineExceeded:
    return DeadlineExceeded(
        f"source deadline of {source_budget(default_budget):g} s passed {doing} {url}; "
        "stopped, will try again at the next poll"
    )


# -- the request's deadline --------------------------------------------------------------


def request_deadline_from(started: float, max_fetch_s: float) -> tuple[float, bool]:
    """(deadline, whether the source's deadline is the earlier one) for a request started
    at `started` (time.monotonic())."""
    deadline = started + max_fetch_s
    source: float | None = getattr(_deadlines, "source", None)
    if source is not None and source < deadline:
        return source, True
    return deadline, False


@contextmanager
def request_deadline(deadline: float) -> Iterator[None]:
    """Every socket operation in this thread ends by `deadline` (see `deadline_transport`)."""
    saved = getattr(_deadlines, "request", None)
    _deadlines.request = deadline
    try:
        yield
    finally:
        _deadlines.request = saved


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


def deadline_transport() -> httpx.HTTPTransport:
    """An httpx transport whose sockets obey `request_deadline`."""
    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):
        pool._network_backend = _DeadlineBackend()
    else:  # pragma: no cover - another httpx/httpcore layout: reads are still checked
        log.warning("httpx transport without a network backend; deadlines checked per read")
    return transport


# -- size --------------------------------------------------------------------------------


def check_announced_size(url: str, content_length: str, max_bytes: int) -> None:
    """Refuse before downloading when the response announces more than the cap."""
    if content_length.isdigit() and int(content_length) > max_bytes:
        raise FetchError(
            f"{url} announces {int(content_length) // 1024} KiB, over the "
            f"{max_bytes // 1024} KiB size cap; not downloading"
        )


def over_size_cap(url: str, max_bytes: int) -> FetchError:
    return FetchError(
        f"{url} is larger than the {max_bytes // 1024} KiB size cap; stopped reading"
    )


class Decoder:
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
