"""A real HTTP server for the app (uvicorn in a thread on a free 127.0.0.1 port)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from fastapi import FastAPI

from tests.webapp import csrf_from, serve


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """The shared server helper, with the app's lifespan on (it starts the checkpoint writer)."""
    with serve(app, lifespan="auto") as base:
        yield base


def login_cookies(base_url: str, username: str, password: str) -> dict[str, str]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        token = csrf_from(client.get("/login").text)
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code in {200, 303}, response.text[:300]
        return dict(client.cookies)
