"""Serve a directory over HTTP on localhost, for the offline demo and the tests."""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Replay files are written with absolute links on this origin, as real feeds carry their own
# host; the server rewrites it to wherever it actually listens.
REPLAY_ORIGIN = "http://127.0.0.1:8765"
_TEXT_SUFFIXES = (".xml", ".rss", ".atom", ".html", ".json", ".txt")


class _ReplayHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml; charset=utf-8",
        ".rss": "application/rss+xml; charset=utf-8",
        ".atom": "application/atom+xml; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".json": "application/feed+json; charset=utf-8",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # type: ignore[override]
        origin = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if origin == REPLAY_ORIGIN or not path.is_file() or path.suffix not in _TEXT_SUFFIXES:
            return super().send_head()
        body = path.read_bytes().replace(REPLAY_ORIGIN.encode(), origin.encode())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve_directory(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Yield the base URL (no trailing slash) of a server for `root`, stopped on exit."""
    handler = functools.partial(_ReplayHandler, directory=str(root))
    server = ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
