"""Helpers for the security tests (a module, so tests can import them)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from signals.db.models import Enrichment, Post, Signal, SignalPost
from signals.db.session import session_scope

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
USERS = {
    "analyst": "analyst",
    "analyst2": "analyst",
    "supervisor": "supervisor",
    "supervisor2": "supervisor",
    "auditor": "auditor",
    "admin": "admin",
}


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD):
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def logged_in(client: TestClient, username: str) -> str:
    """Log in and return the session's CSRF token (read from the privacy page, open to all)."""
    response = login(client, username)
    assert response.status_code == 303, response.text[:300]
    return csrf_from(client.get("/privacy").text)


def make_signal(
    engine: Engine,
    *,
    title: str = "Oproep: verzamelen op het Stadhuisplein",
    text: str = "Zaterdag 14:00 allemaal naar het Stadhuisplein!",
    status: str = "new",
    url: str | None = None,
    pseudonym: str | None = "ps_0123456789abcdef0123456789abcdef",
) -> tuple[int, int]:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        signal = Signal(
            types=["call_to_gathering"],
            status=status,
            severity=0.8,
            severity_breakdown={"total": 0.8, "components": []},
            title=title,
            place="Stadhuisplein",
            district="Almere Stad",
            in_almere=True,
            post_count=1,
            source_count=1,
            first_seen_at=now,
            last_activity_at=now,
        )
        session.add(signal)
        session.flush()
        post = Post(
            source_id="demo-feed",
            url=url or f"https://example.org/s/{signal.id}",
            canonical_url=f"https://example.org/s/{signal.id}",
            content_hash=f"h-{signal.id}",
            title=title,
            text=text,
            author_pseudonym=pseudonym,
            pseudonym_period="2026-11" if pseudonym else None,
            published_at=now,
            fetched_at=now,
            enriched=True,
        )
        session.add(post)
        session.flush()
        session.add(
            Enrichment(
                post_id=post.id,
                model_version="test-1",
                labels={"call_to_gathering": {"p": 0.9, "flag": True}},
                flags=["call_to_gathering"],
                places=[],
                in_almere=True,
                evidence=[],
                explanations={"call_to_gathering": [["verzamelen", 1.2]]},
            )
        )
        session.add(SignalPost(signal_id=signal.id, post_id=post.id))
        return signal.id, post.id
