"""A real HTTP server for the app (uvicorn in a thread on a free 127.0.0.1 port)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def login_cookies(base_url: str, username: str, password: str) -> dict[str, str]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        page = client.get("/login")
        match = CSRF_RE.search(page.text)
        assert match, "no CSRF token on the login page"
        response = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": match.group(1)},
        )
        assert response.status_code in {200, 303}, response.text[:300]
        return dict(client.cookies)
