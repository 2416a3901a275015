"""A real browser (Debian's Chromium via Playwright): log in, open the top signal, escalate it
with a rationale, and see the decision in the history and on the audit page."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from signals.db.session import session_scope
from signals.triage import decide

from .conftest import make_signal

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

pytestmark = pytest.mark.browser


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


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")


def test_escalate_top_signal_in_a_real_browser(env, live_server, browser, tmp_path):
    make_signal(env.engine, title="Lagere oproep", severity=0.4, key="low", district="Almere Haven")
    top = make_signal(
        env.engine,
        title="Oproep <b>Stadhuisplein</b> zaterdag",
        severity=0.95,
        key="top",
        n_posts=3,
    )
    with session_scope(env.engine) as session:
        decide(
            session,
            top,
            to_status="in_review",
            actor="analyst2",
            actor_role="analyst",
            rationale="",
            expected_version=1,
        )

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _log_in(page, live_server, "analyst")
    page.wait_for_url(f"{live_server}/signalen")
    shots = Path(os.environ.get("SIGNALS_SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(shots / "queue.png"), full_page=True)

    # The first row of the queue is the most severe signal.
    first_link = page.locator("table.queue tbody tr").first.locator("a")
    assert "Stadhuisplein" in first_link.inner_text()
    first_link.click()
    page.wait_for_url(f"{live_server}/signalen/{top}")
    page.wait_for_selector("#kaart[data-ready='1']")
    assert page.locator("#kaart path.leaflet-interactive").count() >= 7
    page.screenshot(path=str(shots / "signal.png"), full_page=True)
    assert page.locator("mark.ev-place").count() >= 1

    page.check("input[name=to_status][value=escalated]")
    page.fill("textarea[name=rationale]", "Oproep met groot bereik; gesprek met initiatiefnemer.")
    page.click("#besluit button[type=submit]")
    page.wait_for_selector("text=Besluit vastgelegd")
    history = page.locator("table.history").inner_text()
    assert "opgeschaald" in history
    assert "Oproep met groot bereik; gesprek met initiatiefnemer." in history

    page.click("text=Uitloggen")
    page.wait_for_url(f"{live_server}/login")
    _log_in(page, live_server, "auditor")
    page.wait_for_url(f"{live_server}/audit")
    page.select_option("select[name=action]", "signal.decide")
    page.fill("input[name=signal_id]", str(top))
    page.click("form.filters button[type=submit]")
    rows = page.locator("table.audit tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("analyst" in t and "escalated" in t for t in texts), texts
    assert page.locator(".verify-ok").count() == 1  # the chain check ran with the query
    page.screenshot(path=str(shots / "audit.png"), full_page=True)
    assert errors == []
