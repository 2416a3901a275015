"""Fixtures: a real SQLite database in tmp_path, the app, users of each role, seeded signals."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from signals.auth import create_user
from signals.config import Settings, get_settings
from signals.db.models import Enrichment, Post, Signal, SignalPost
from signals.db.session import get_engine, make_engine, migrate, session_scope
from signals.web.app import create_app

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Env:
    settings: Settings
    engine: Engine


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """Migrated once, with one user per role; each test gets its own copy (migrating and
    hashing passwords per test would dominate the run time)."""
    path = tmp_path_factory.mktemp("template") / "web.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with session_scope(engine) as session:
        for role in ("analyst", "supervisor", "auditor", "admin"):
            create_user(session, role, PASSWORD, role)
        create_user(session, "analyst2", PASSWORD, "analyst")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def env(tmp_path, monkeypatch, template_db) -> Env:
    db = tmp_path / "web.db"
    shutil.copyfile(template_db, db)
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SIGNALS_DATABASE_URL", f"sqlite:///{db}")
    settings = get_settings()
    engine = get_engine(settings.database_url)
    return Env(settings, engine)


@pytest.fixture
def app(env: Env):
    return create_app(env.settings)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD):
    page = client.get("/login")
    token = csrf_from(page.text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def page_csrf(client: TestClient, path: str) -> str:
    return csrf_from(client.get(path).text)


def make_signal(
    engine: Engine,
    *,
    title: str = "Oproep: verzamelen op het Stadhuisplein",
    text: str = "Zaterdag 14:00 allemaal naar het Stadhuisplein, laat je horen!",
    status: str = "new",
    severity: float = 0.8,
    types: list[str] | None = None,
    district: str | None = "Almere Stad",
    n_posts: int = 1,
    key: str = "a",
    notification: str | None = "niet aangemeld",
) -> int:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        signal = Signal(
            types=types or ["call_to_gathering"],
            status=status,
            severity=severity,
            severity_breakdown={
                "total": severity,
                "components": [
                    {
                        "key": "content",
                        "name": "Inhoud",
                        "score": 0.45,
                        "max": 0.5,
                        "explanation": "oproep tot samenkomst: kans 0.93",
                    },
                    {
                        "key": "urgency",
                        "name": "Urgentie",
                        "score": 0.2,
                        "max": 0.2,
                        "explanation": "over 2 dagen",
                    },
                ],
                "formula": "docs/severity.md",
            },
            title=title,
            place="Stadhuisplein" if district else None,
            district=district,
            in_almere=True,
            event_time=now + timedelta(days=2),
            event_time_text="zaterdag 14:00",
            notification_status=notification,
            post_count=n_posts,
            source_count=1,
            first_seen_at=now,
            last_activity_at=now,
        )
        session.add(signal)
        session.flush()
        for i in range(n_posts):
            post = Post(
                source_id="demo-feed",
                url=f"https://example.org/{key}/{signal.id}/{i}",
                canonical_url=f"https://example.org/{key}/{signal.id}/{i}",
                content_hash=f"{key}-{signal.id}-{i}",
                title=title,
                text=text,
                author_pseudonym="ps:0123456789abcdef0123",
                published_at=now,
                fetched_at=now,
                enriched=True,
            )
            session.add(post)
            session.flush()
            full = f"{title}\n{text}"
            at = full.find("Stadhuisplein")
            session.add(
                Enrichment(
                    post_id=post.id,
                    model_version="test-1",
                    labels={
                        "call_to_gathering": {"p": 0.93, "flag": True},
                        "anti_government": {"p": 0.12, "flag": False},
                        "polarising": {"p": 0.05, "flag": False},
                        "threat": {"p": 0.02, "flag": False},
                    },
                    flags=["call_to_gathering"],
                    places=[
                        {
                            "text": "Stadhuisplein",
                            "canonical": "Stadhuisplein",
                            "district": district,
                            "in_almere": True,
                        }
                    ],
                    in_almere=True,
                    event_time=now + timedelta(days=2),
                    event_time_text="zaterdag 14:00",
                    evidence=[
                        {
                            "start": at,
                            "end": at + len("Stadhuisplein"),
                            "text": "Stadhuisplein",
                            "kind": "place",
                        }
                    ]
                    if at >= 0
                    else [],
                    explanations={"call_to_gathering": [["verzamelen", 1.7], ["allemaal", 0.9]]},
                )
            )
            session.add(SignalPost(signal_id=signal.id, post_id=post.id))
        return signal.id


# Screenshots taken by the browser tests land here, to be looked at before an issue closes.
ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "screenshots"


@pytest.fixture
def screenshot_dir() -> Path:
    path = Path(os.environ.get("SIGNALS_SCREENSHOT_DIR", ARTEFACTS))
    path.mkdir(parents=True, exist_ok=True)
    return path


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; each test opens its own page (and context)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def browser_log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
