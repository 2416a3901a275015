"""A recording stand-in for an Elasticsearch node on 127.0.0.1, for tests at the HTTP boundary.

It records every request the official client sends (method, path, query, body) and answers
with responses shaped like Elasticsearch 9's, including the `X-Elastic-Product` header
without which the client refuses to talk to a server."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)

    def ndjson(self) -> list[Any]:
        return [json.loads(line) for line in self.body.decode().splitlines() if line.strip()]


Responder = Callable[[Recorded], tuple[int, Any]]


@dataclass
class _Rule:
    method: str
    pattern: re.Pattern[str]
    respond: Responder
    times: int | None  # None: forever


@dataclass
class FakeElasticsearch:
    requests: list[Recorded] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)
    url: str = ""

    def on(self, method: str, path_regex: str, respond: Responder | tuple[int, Any],
           times: int | None = None) -> None:
        """Answer requests matching `method` and `path_regex` (full match); newest rule first."""
        fn = respond if callable(respond) else (lambda _req, r=respond: r)
        self.rules.insert(0, _Rule(method, re.compile(path_regex), fn, times))

    def find(self, method: str, path_regex: str) -> list[Recorded]:
        rx = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and rx.fullmatch(r.path)]

    def handle(self, req: Recorded) -> tuple[int, Any]:
        self.requests.append(req)
        for rule in self.rules:
            if rule.method == req.method and rule.pattern.fullmatch(req.path):
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times == 0:
                        self.rules.remove(rule)
                return rule.respond(req)
        return default_response(req)


def error_body(status: int, err_type: str, reason: str) -> dict[str, Any]:
    return {"error": {"root_cause": [{"type": err_type, "reason": reason}], "type": err_type,
                      "reason": reason}, "status": status}


def bulk_ok(req: Recorded) -> tuple[int, Any]:
    lines = req.ndjson()
    items = []
    for action in lines[::2]:
        op, meta = next(iter(action.items()))
        items.append({op: {"_index": meta["_index"], "_id": meta["_id"], "_version": 1,
                           "result": "created", "_seq_no": 0, "_primary_term": 1,
                           "status": 201}})
    return 200, {"took": 3, "errors": False, "items": items}


def default_response(req: Recorded) -> tuple[int, Any]:
    path, method = req.path, req.method
    if method == "GET" and path.startswith("/_alias/"):
        name = path.rsplit("/", 1)[1]
        return 404, {"error": f"alias [{name}] missing", "status": 404}
    if method in ("POST", "PUT") and path == "/_bulk":
        return bulk_ok(req)
    if method == "PUT" and re.fullmatch(r"/[a-z0-9_.\-]+", path):
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": path[1:]}
    if method == "DELETE":
        return 200, {"acknowledged": True}
    if method == "PUT":  # templates, policies
        return 200, {"acknowledged": True}
    if method == "POST" and path.endswith("/_delete_by_query"):
        return 200, {"took": 5, "timed_out": False, "total": 0, "deleted": 0, "batches": 0,
                     "version_conflicts": 0, "noops": 0, "failures": []}
    if method in ("POST", "GET") and path.endswith("/_search"):
        return 200, search_response([])
    if method == "POST" and (path == "/_aliases" or path.endswith("/_refresh")):
        return 200, {"acknowledged": True, "_shards": {"total": 1, "successful": 1, "failed": 0}}
    return 404, error_body(404, "fake_not_configured", f"no rule for {method} {path}")


def search_response(hits: list[dict[str, Any]], aggs: dict[str, Any] | None = None,
                    total: int | None = None) -> dict[str, Any]:
    return {
        "took": 2, "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": len(hits) if total is None else total, "relation": "eq"},
                 "max_score": max((h.get("_score") or 0 for h in hits), default=None),
                 "hits": hits},
        **({"aggregations": aggs} if aggs is not None else {}),
    }


def _handler(fake: FakeElasticsearch) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            req = Recorded(self.command, unquote(parts.path), query, body,
                           {k.lower(): v for k, v in self.headers.items()})
            status, payload = fake.handle(req)
            data = b"" if self.command == "HEAD" else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


@contextmanager
def running_fake() -> Iterator[FakeElasticsearch]:
    fake = FakeElasticsearch()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
