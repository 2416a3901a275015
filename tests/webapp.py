"""The one web-application fixture stack, registered for every test folder by the root
conftest (`pytest_plugins`): a migrated SQLite copy per test with one user per role, settings
pointing at it, the app, a client, a live server and one headless Chromium per run, plus the
login helpers.

Users (password `PASSWORD`): analyst, analyst2, supervisor, auditor, admin, and `partner`, the
account of the partner organisation "Jongerenwerk Almere". A folder that needs more seeds
overrides `template_db` with `derived_template` (see tests/security/conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nlp.vocabulary import ADMIN, ANALYST, AUDITOR, SUPERVISOR
from signals.auth import create_user
from signals.config import Settings, get_settings
from signals.db.session import get_engine, make_engine, migrate, session_scope
from signals.services import Actor, partner_admin
from signals.web.app import create_app

PASSWORD = "correct-horse-battery"
# Username -> role: one user per role (named after it) and a second analyst.
USERS = {
    ANALYST: ANALYST,
    "analyst2": ANALYST,
    SUPERVISOR: SUPERVISOR,
    AUDITOR: AUDITOR,
    ADMIN: ADMIN,
}
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Env:
    settings: Settings
    engine: Engine


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once, with the users; each test gets its own copy (migrating and hashing
    passwords per test would dominate the run time)."""
    path = tmp_path_factory.mktemp("template") / "web.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with session_scope(engine) as session:
        for name, role in USERS.items():
            create_user(session, name, PASSWORD, role)
        host = Actor("host", ADMIN)
        youth = partner_admin.create_organisation(
            session, host, "Jongerenwerk Almere", "jongerenwerk"
        )
        partner_admin.create_partner_account(session, host, "partner", youth.id, PASSWORD)
    checkpoint(engine)
    engine.dispose()
    return path


def checkpoint(engine: Engine) -> None:
    """Fold the WAL into the database file, so that copying the file copies everything."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def derived_template(
    base: Path,
    tmp_path_factory: pytest.TempPathFactory,
    seed: Callable[[Session], None],
) -> Path:
    """A copy of the template `base` with what `seed` adds: a folder's own template."""
    path = tmp_path_factory.mktemp("template") / "web.db"
    shutil.copyfile(base, path)
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        seed(session)
    checkpoint(engine)
    engine.dispose()
    return path


def isolate_settings(mp: pytest.MonkeyPatch, var: Path, database: Path) -> None:
    """Point the settings at `var` and the SQLite file `database`, with autotagging on. The
    developer's Elasticsearch and pseudonym key must not reach a test: both are unset."""
    mp.setenv("SIGNALS_VAR_DIR", str(var))
    mp.setenv("SIGNALS_DATABASE_URL", f"sqlite:///{database}")
    mp.delenv("SIGNALS_PSEUDONYM_KEY", raising=False)
    mp.delenv("SIGNALS_ES_URL", raising=False)
    mp.setenv("SIGNALS_AUTOTAG", "on")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_db: Path) -> Env:
    db = tmp_path / "web.db"
    shutil.copyfile(template_db, db)
    isolate_settings(monkeypatch, tmp_path / "var", db)
    settings = get_settings()
    return Env(settings, get_engine(settings.database_url))


@pytest.fixture
def app(env: Env) -> FastAPI:
    return create_app(env.settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def page_csrf(client: TestClient, path: str) -> str:
    return csrf_from(client.get(path).text)


def api_headers(client: TestClient, username: str) -> dict[str, str]:
    """Log in (unchecked) and return the CSRF header the JSON API wants."""
    login(client, username)
    return {"X-CSRF-Token": client.get("/api/me").json()["csrf_token"]}


def post_api_decision(
    client: TestClient, signal_id: int, headers: dict[str, str], **body: Any
) -> Any:
    """A decision on a signal through the JSON API, `body` as its JSON."""
    return client.post(f"/api/signals/{signal_id}/decisions", json=body, headers=headers)


def post_decision_form(
    client: TestClient, signal_id: int, token: str, to_status: str, version: int, *,
    follow_redirects: bool = True, **fields: str,
) -> Any:
    """The decision form of a signal's page, with any further `fields` (rationale, ...)."""
    return client.post(
        f"/signalen/{signal_id}/besluit",
        data={"to_status": to_status, "version": str(version), "csrf_token": token, **fields},
        follow_redirects=follow_redirects,
    )


def post_label_form(
    client: TestClient, post_id: int, label: str, value: str, *, signal_id: int, token: str
) -> Any:
    """The label-correction form of a post ("klopt wel" 1 / "klopt niet" 0), sent from the
    page of signal `signal_id`."""
    return client.post(
        f"/berichten/{post_id}/label",
        data={"label": label, "value": value, "signal_id": str(signal_id), "csrf_token": token},
    )


def logged_in(client: TestClient, username: str) -> str:
    """Log in and return the session's CSRF token (read from the privacy page, open to all)."""
    response = login(client, username)
    assert response.status_code == 303, response.text[:300]
    return csrf_from(client.get("/privacy").text)


# Screenshots taken by the browser tests land here, to be looked at before an issue closes.
ARTEFACTS = Path(__file__).resolve().parents[1] / "var" / "artefacts" / "screenshots"


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


@contextmanager
def serve(app: FastAPI, *, lifespan: str = "off", timeout: float = 20) -> Iterator[str]:
    """The app over real HTTP: uvicorn in a thread on a free 127.0.0.1 port; its base URL."""
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
        lifespan=lifespan,  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    with serve(app) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole run; each test opens its own page (and context)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def shoot(target: Any, *, path: str, attempts: int = 3, **options: Any) -> None:
    """Save a screenshot of a page or locator for a human to look at. Headless Chromium on a
    loaded 2-core machine sometimes answers "Unable to capture screenshot" when no frame is
    ready yet (a fresh clone's suite hit it once); the picture is an artefact, not the
    assertion, so such a miss is tried again after a frame has had time to paint."""
    from playwright.sync_api import Error

    for attempt in range(attempts):
        try:
            target.screenshot(path=path, **options)
            return
        except Error as exc:
            if "Unable to capture screenshot" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.5)


def page_with_errors(
    browser: Any, *, console: bool = False, **options: Any
) -> tuple[Any, list[str]]:
    """A new page (`options` as for `browser.new_page`) and the list its uncaught script
    errors land in, with `console` also the errors logged to the console."""
    page = browser.new_page(**options)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if console:
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return page, errors


def browser_log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
