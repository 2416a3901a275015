"""A local HTTP server with captured-style pages and feeds, plus the misbehaviour real sites
show (slow, huge, looping, compressed bombs, wrong charsets, rate limits).

Use it from any test suite:

    from tests.fixture_server import fixture_server  # noqa: F401  (pytest fixture)

    def test_x(fixture_server):
        url = fixture_server.url("/feeds/omroep.rss")

or as a context manager outside pytest: `with serve_fixtures() as server: ...`.

Static files live in tests/fixtures/web/; in text files `{base_url}` is replaced by the
server's own base URL, so links between fixtures work on any port. `_headers.json` there
maps a path to extra/overriding response headers (e.g. a lying Content-Type).
Every static file answers conditional GETs (ETag and Last-Modified) with 304.

Dynamic routes:
  /status/<code>                     that status code
  /slow/<seconds>/<static path>      sleeps, then serves the static file
  /loop/a, /loop/b                   redirect to each other forever
  /redirect?to=<path>                302 to <path>
  /huge                              50 MB of HTML, streamed, no Content-Length
  /s/<channel>?before=<id>           Telegram preview pages (telegram/<channel>[__before_<id>].html)
  /gzip/<static path>                the static file with Content-Encoding: gzip
  /bomb.xml                          small gzip body that inflates to 100 MB
  /ratelimited/<key>?after=<s>&n=<k>[&file=<path>]
                                     429 with Retry-After <s> for the first k hits, then
                                     the static file (default: a feed)
  /flaky/<key>?n=<k>                 503 for the first k hits, then a feed
  /gen/feed/<i>.xml?items=<n>        a generated RSS feed with n items
  /gen/site/index.html?n=<n>         a generated listing linking n articles
  /gen/site/article/<i>.html         a generated article with a stated publication date
  /drip?interval=<s>&for=<s>[&phase=headers]
                                     a slow drip: one byte every <s> seconds for at most
                                     <for> seconds (default 2 and 60), in the body or, with
                                     phase=headers, in the response headers
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from collectors import CollectorSettings

WEB_ROOT = Path(__file__).parent / "fixtures" / "web"
_TEXT_SUFFIXES = {".html", ".xml", ".rss", ".atom", ".json", ".txt", ".rdf"}
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rdf": "application/rdf+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# Fixed so Last-Modified is stable across runs.
_LAST_MODIFIED = email.utils.format_datetime(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), usegmt=True)
_HUGE_BYTES = 50 * 1024 * 1024

# The legal fields every SourceConfig needs, for tests that build sources by hand.
LEGAL_FIELDS = {
    "purpose": "Vroegtijdig signaleren van oproepen tot samenkomst in Almere",
    "legal_basis": "AVG art. 6 lid 1 sub e jo. Gemeentewet art. 172 lid 1",
    "public_because": "Openbare feed, zonder inloggen voor iedereen leesbaar",
}
_BOMB_BYTES = 100 * 1024 * 1024


def local_settings(who: str = "test", **overrides: Any) -> CollectorSettings:
    """Collector settings for fetching from the fixture server: no wait between requests to
    the one local host; `who` ("test", "bench") names the user agent and its contact."""
    contact = f"{who}@example.org"
    values: dict[str, Any] = {
        "user_agent": f"oov-signals-{who}/0.1 (+mailto:{contact})",
        "contact": contact,
        "per_domain_delay_s": 0.0,
    }
    return CollectorSettings(**{**values, **overrides})


@dataclass(slots=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    at: float


Handler = Callable[["_RequestHandler", str, dict[str, list[str]]], None]


@dataclass
class FixtureServer:
    base_url: str
    root: Path
    requests: list[RecordedRequest] = field(default_factory=list)
    routes: dict[str, Handler] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0  # highest number of requests served at the same time

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def hits(self, path: str) -> list[RecordedRequest]:
        """Requests whose path (without query) equals `path`."""
        with self.lock:
            return [r for r in self.requests if r.path.split("?")[0] == path]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.counters.clear()
            self.max_in_flight = self.in_flight

    def add_route(self, path: str, handler: Handler) -> None:
        """Serve `path` (exact, without query) with `handler(request, path, query)`."""
        self.routes[path] = handler

    def count(self, key: str) -> int:
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]


@dataclass(slots=True)
class _Cached:
    body: bytes
    etag: str


_BOMB: bytes | None = None
_BOMB_LOCK = threading.Lock()


def _bomb() -> bytes:
    global _BOMB
    with _BOMB_LOCK:
        if _BOMB is None:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            chunk = b"\0" * (1024 * 1024)
            parts = [compressor.compress(chunk) for _ in range(_BOMB_BYTES // len(chunk))]
            parts.append(compressor.flush())
            _BOMB = b"".join(parts)
        return _BOMB


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fixture/1.0"
    # Headers and body go out in separate writes; without this, delayed ACKs add ~40 ms.
    disable_nagle_algorithm = True
    fixture: FixtureServer  # set on the subclass per server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    # -- helpers ----------------------------------------------------------------------

    def send_body(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        headers = {"Content-Type": content_type, **(extra or {})}
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_status(self, status: int, extra: dict[str, str] | None = None) -> None:
        text = f"<html><body><h1>{status}</h1></body></html>".encode()
        self.send_body(status, text, "text/html; charset=utf-8", extra)

    def serve_static(self, path: str) -> None:
        fixture = self.fixture
        relative = path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        file = (fixture.root / relative).resolve()
        if fixture.root.resolve() not in file.parents or not file.is_file():
            self.send_status(404)
            return
        body = file.read_bytes()
        # Reddit's feed lives at ".../new/.rss": a dotfile has no suffix for pathlib.
        suffix = file.suffix or (file.name if file.name.startswith(".") else "")
        if suffix in _TEXT_SUFFIXES:
            body = body.replace(b"{base_url}", fixture.base_url.encode("ascii"))
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        overrides = _header_overrides(fixture.root).get("/" + relative, {})
        headers = {"ETag": etag, "Last-Modified": _LAST_MODIFIED}
        headers.update({k: v for k, v in overrides.items() if k.lower() != "content-type"})
        content_type = overrides.get("Content-Type") or _TYPES.get(
            suffix, "application/octet-stream"
        )
        if self.headers.get("If-None-Match") == etag or (
            not self.headers.get("If-None-Match")
            and self.headers.get("If-Modified-Since") == _LAST_MODIFIED
        ):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_body(200, body, content_type, headers)

    def handle(self) -> None:
        # Clients that stop reading (size caps, timeouts) are part of the tests, not errors.
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    # -- dispatch ---------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        fixture = self.fixture
        with fixture.lock:
            fixture.requests.append(RecordedRequest(self.path, dict(self.headers), time.time()))
            fixture.in_flight += 1
            fixture.max_in_flight = max(fixture.max_in_flight, fixture.in_flight)
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        try:
            if path in fixture.routes:
                fixture.routes[path](self, path, query)
            else:
                _dispatch(self, path, query)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with fixture.lock:
                fixture.in_flight -= 1

    do_HEAD = do_GET  # noqa: N815


def _header_overrides(root: Path) -> dict[str, dict[str, str]]:
    file = root / "_headers.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}


def _feed_body(title: str, base: str, items: int, prefix: str) -> bytes:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    entries = []
    for i in range(items):
        when = email.utils.format_datetime(now - timedelta(minutes=7 * i), usegmt=True)
        entries.append(
            f"<item><title>{title}: bericht {i} over de Stadhuisplein-kwestie</title>"
            f"<link>{base}/{prefix}/item/{i}</link><guid>{base}/{prefix}/item/{i}</guid>"
            f"<pubDate>{when}</pubDate><author>redactie@example.nl (Redactie)</author>"
            f"<description>&lt;p&gt;Inwoners van Almere praten over het plan voor de "
            f"markt op zaterdag. Bericht nummer {i} met wat meer tekst zodat de taal "
            f"goed herkend kan worden.&lt;/p&gt;</description></item>"
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{base}/</link><description>Gegenereerd</description>"
        + "".join(entries)
        + "</channel></rss>"
    )
    return xml.encode("utf-8")


_ARTICLE_WORDS = (
    "De gemeenteraad van Almere besprak dinsdagavond de plannen voor het centrum. "
    "Bewoners uit Haven, Buiten en Poort lieten van zich horen tijdens de inspraak. "
    "Volgens de wethouder moet het nieuwe parkeerbeleid volgend jaar ingaan. "
)


def _article_body(base: str, i: int) -> bytes:
    published = datetime(2026, 11, 1, 8, 0, tzinfo=UTC) + timedelta(hours=i)
    text = " ".join(_ARTICLE_WORDS for _ in range(4))
    html = f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<title>Artikel {i} | Almere Lokaal</title>
<meta property="article:published_time" content="{published.isoformat()}">
<link rel="canonical" href="{base}/gen/site/article/{i}.html"></head>
<body><header><nav><a href="{base}/gen/site/index.html">Nieuws</a></nav></header>
<main><article><h1>Nieuwsbericht nummer {i} uit Almere</h1>
<p class="meta">Door Redactie, <time datetime="{published.isoformat()}">
{published:%d-%m-%Y %H:%M}</time></p>
<p>{text}</p><p>Artikel {i}: {text}</p></article></main>
<footer>© Almere Lokaal</footer></body></html>"""
    return html.encode("utf-8")


def _dispatch(handler: _RequestHandler, path: str, query: dict[str, list[str]]) -> None:
    fixture = handler.fixture
    base = fixture.base_url
    if match := re.fullmatch(r"/status/(\d{3})", path):
        handler.send_status(int(match.group(1)))
    elif match := re.fullmatch(r"/slow/([\d.]+)(/.*)", path):
        time.sleep(float(match.group(1)))
        handler.serve_static(match.group(2))
    elif path in ("/loop/a", "/loop/b"):
        target = "/loop/b" if path == "/loop/a" else "/loop/a"
        handler.send_body(302, b"", "text/plain", {"Location": target})
    elif path == "/redirect":
        handler.send_body(302, b"", "text/plain", {"Location": query.get("to", ["/"])[0]})
    elif path == "/huge":
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        chunk = b"<p>" + b"eindeloos " * 6500 + b"</p>\n"
        handler.wfile.write(b"<html><body>")
        sent = 0
        while sent < _HUGE_BYTES:
            handler.wfile.write(chunk)
            sent += len(chunk)
    elif path == "/drip":
        _drip(handler, query)
    elif match := re.fullmatch(r"/s/([A-Za-z0-9_]+)", path):
        # Telegram's public preview: /s/<channel>, older pages via ?before=<message id>.
        before = query.get("before", [""])[0]
        name = match.group(1) + (f"__before_{before}" if before.isdigit() else "")
        handler.serve_static(f"/telegram/{name}.html")
    elif path.startswith("/gzip/"):
        # A well-behaved compressed response: gzip Content-Encoding of a static file.
        file = handler.fixture.root / path.removeprefix("/gzip/")
        if not file.is_file():
            handler.send_status(404)
            return
        body = file.read_bytes().replace(b"{base_url}", base.encode("ascii"))
        compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        packed = compressor.compress(body) + compressor.flush()
        handler.send_body(
            200, packed, _TYPES.get(file.suffix, "application/octet-stream"),
            {"Content-Encoding": "gzip"},
        )
    elif path == "/bomb.xml":
        handler.send_body(
            200, _bomb(), "application/rss+xml; charset=utf-8", {"Content-Encoding": "gzip"}
        )
    elif match := re.fullmatch(r"/ratelimited/(\w+)", path):
        after = query.get("after", ["1"])[0]
        if fixture.count("ratelimited:" + match.group(1)) <= int(query.get("n", ["1"])[0]):
            handler.send_status(429, {"Retry-After": after})
        else:
            handler.serve_static(query.get("file", ["/feeds/omroep-flevoland.rss"])[0])
    elif match := re.fullmatch(r"/flaky/(\w+)", path):
        if fixture.count("flaky:" + match.group(1)) <= int(query.get("n", ["1"])[0]):
            handler.send_status(503)
        else:
            handler.serve_static("/feeds/omroep-flevoland.rss")
    elif match := re.fullmatch(r"/gen/feed/(\d+)\.xml", path):
        n = int(query.get("items", ["20"])[0])
        body = _feed_body(f"Feed {match.group(1)}", base, n, f"gen/feed/{match.group(1)}")
        handler.send_body(200, body, "application/rss+xml; charset=utf-8")
    elif path == "/gen/site/index.html":
        n = int(query.get("n", ["100"])[0])
        links = "".join(
            f'<li><a href="{base}/gen/site/article/{i}.html">Artikel {i}</a></li>'
            for i in range(n)
        )
        body = f"<html><body><h1>Nieuws</h1><ul>{links}</ul></body></html>".encode()
        handler.send_body(200, body, "text/html; charset=utf-8")
    elif match := re.fullmatch(r"/gen/site/article/(\d+)\.html", path):
        handler.send_body(200, _article_body(base, int(match.group(1))), "text/html; charset=utf-8")
    else:
        handler.serve_static(path)


def _drip(handler: _RequestHandler, query: dict[str, list[str]]) -> None:
    """A server that never quite answers: one byte at a time, slowly, until `for` runs out."""
    interval = float(query.get("interval", ["2"])[0])
    end = time.monotonic() + float(query.get("for", ["60"])[0])
    handler.close_connection = True
    if query.get("phase", [""])[0] == "headers":
        data = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Drip: " + b"z" * 10_000
    else:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        handler.send_header("Connection", "close")
        handler.end_headers()
        data = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b" " * 10_000
    for byte in data:
        if time.monotonic() >= end:
            break
        handler.wfile.write(bytes([byte]))
        time.sleep(interval)


@contextmanager
def serve_fixtures(root: Path = WEB_ROOT, host: str = "127.0.0.1") -> Iterator[FixtureServer]:
    """Run the fixture server on a free port for the duration of the block."""
    handler_cls = type("BoundHandler", (_RequestHandler,), {})
    server = ThreadingHTTPServer((host, 0), handler_cls)
    server.daemon_threads = True
    fixture = FixtureServer(base_url=f"http://{host}:{server.server_address[1]}", root=root)
    handler_cls.fixture = fixture  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="fixture-server", daemon=True
    )
    thread.start()
    try:
        yield fixture
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fixture_server() -> Iterator[FixtureServer]:
    """A fresh fixture server per test (cheap: one thread, port 0)."""
    with serve_fixtures() as server:
        yield server
