"""A real browser (Debian's Chromium via Playwright): log in, open the top signal, escalate it
with a rationale, and see the decision in the history and on the audit page."""

from __future__ import annotations

import re

import pytest

from tests.webapp import shoot

from .conftest import browser_log_in, colleague_decides, make_signal, page_with_errors

pytestmark = pytest.mark.browser


def test_escalate_top_signal_in_a_real_browser(env, live_server, browser, screenshot_dir):
    make_signal(env.engine, title="Lagere oproep", severity=0.4, key="low", district="Almere Haven")
    top = make_signal(
        env.engine,
        title="Oproep <b>Stadhuisplein</b> zaterdag",
        severity=0.95,
        key="top",
        n_posts=3,
    )
    colleague_decides(env.engine, top, "in_review", "")

    page, errors = page_with_errors(browser, console=True, viewport={"width": 1280, "height": 900})
    browser_log_in(page, live_server, "analyst")
    page.wait_for_url(f"{live_server}/signalen")
    shots = screenshot_dir
    shoot(page, path=str(shots / "queue.png"), full_page=True)

    # The first row of the queue is the most severe signal.
    first_link = page.locator("table.queue tbody tr").first.locator("a")
    assert "Stadhuisplein" in first_link.inner_text()
    first_link.click()
    page.wait_for_url(f"{live_server}/signalen/{top}")
    page.wait_for_selector("#kaart[data-ready='1']")
    assert page.locator("#kaart path.leaflet-interactive").count() >= 7
    shoot(page, path=str(shots / "signal.png"), full_page=True)
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
    browser_log_in(page, live_server, "auditor")
    page.wait_for_url(f"{live_server}/audit")
    page.select_option("select[name=action]", "signal.decide")
    page.fill("input[name=signal_id]", str(top))
    page.click("form.filters button[type=submit]")
    # The unfiltered page has rows too: read the filtered one, not the page the click left.
    page.wait_for_url(re.compile(rf"/audit\?.*\bsignal_id={top}\b"))
    rows = page.locator("table.audit tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    # The decision's details in Dutch (issue 13): "naar: opgeschaald", never the status code.
    assert any("analyst" in t and "opgeschaald" in t for t in texts), texts
    assert not any("escalated" in t for t in texts), texts
    assert page.locator(".verify-ok").count() == 1  # the chain check ran with the query
    shoot(page, path=str(shots / "audit.png"), full_page=True)
    assert errors == []
