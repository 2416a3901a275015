"""Issue 13 in a real browser (Chromium via Playwright), one test per point: a label correction
that leaves a trace, the post number for the reveal form, the read-only register for analysts,
and the explanations served as pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signals.db.models import RegisterEntry, Signal
from signals.db.session import session_scope
from tests.webapp import shoot

from .conftest import browser_log_in, make_signal, page_with_errors
from .test_label_corrections import _flagged_call

pytestmark = pytest.mark.browser


def _page(browser):
    return page_with_errors(browser, viewport={"width": 1280, "height": 900})


def test_klopt_niet_in_the_browser(env, live_server, browser, screenshot_dir):
    sid, (pid,) = _flagged_call(env)
    with session_scope(env.engine) as session:
        before = session.get(Signal, sid).severity
    page, errors = _page(browser)
    browser_log_in(page, live_server, "analyst")
    page.goto(f"{live_server}/signalen/{sid}")
    assert page.locator("h1").inner_text().startswith("Oproep tot samenkomst")
    row = page.locator(f"#bericht-{pid} table.labels tr", has_text="oproep tot samenkomst")
    assert "94%" in row.inner_text()
    shoot(page, path=str(screenshot_dir / "correction_before.png"), full_page=True)
    row.locator("button", has_text="klopt niet").click()
    page.wait_for_selector("text=Labelcorrectie opgeslagen")
    with session_scope(env.engine) as session:
        after = session.get(Signal, sid).severity
    assert after < before
    assert f"{before:.2f} → {after:.2f}" in page.locator("p.notice").inner_text()
    # The title and tags follow; the post keeps the model's 94% with the analyst's correction.
    assert page.locator("h1").inner_text().startswith("Signaal")
    assert page.locator(".sig-head .tag").count() == 0
    row = page.locator(f"#bericht-{pid} table.labels tr", has_text="oproep tot samenkomst")
    text = row.inner_text()
    assert "94%" in text and "door analist gecorrigeerd: geen oproep tot samenkomst" in text
    assert "(analyst," in text
    assert page.locator("#geen-label").is_visible()
    history = page.locator("table.corrections").inner_text()
    assert "gemarkeerd 94%" in history and "analyst" in history
    shoot(page, path=str(screenshot_dir / "correction_after.png"), full_page=True)
    # Counted in the model's feedback figures, as a false alarm on this label.
    page.goto(f"{live_server}/uitleg/model")
    row = page.locator('#terugkoppeling tr[data-label="call_to_gathering"]')
    assert row.locator(".fb-false-alarms").inner_text() == "1"
    shoot(page.locator("#terugkoppeling"), path=str(screenshot_dir / "feedback_counts.png"))
    assert errors == []


def test_post_number_to_the_reveal_form(env, live_server, browser, screenshot_dir):
    sid = make_signal(env.engine, status="escalated")
    page, errors = _page(browser)
    browser_log_in(page, live_server, "supervisor")
    page.goto(f"{live_server}/signalen/{sid}")
    number = page.locator(".postnr strong").first.inner_text()
    assert number.isdigit()
    page.locator("a.reveal-link").first.click()
    page.wait_for_url(f"{live_server}/privacy?*")
    assert page.input_value("input[name=signal_id]") == str(sid)
    assert page.input_value("input[name=post_id]") == number
    assert page.locator("#postnummer-uitleg").is_visible()
    page.locator("#onthullen").scroll_into_view_if_needed()
    shoot(page, path=str(screenshot_dir / "reveal_form_prefilled.png"), full_page=True)
    assert errors == []


def test_register_read_only_for_an_analyst(env, live_server, browser, screenshot_dir):
    now = datetime.now(UTC)
    with session_scope(env.engine) as session:
        entry = RegisterEntry(
            reference="WOM-2026-0420",
            place="Stadhuisplein",
            start_at=now + timedelta(days=2),
            end_at=now + timedelta(days=2, hours=2),
        )
        session.add(entry)
        session.flush()
        entry_id = entry.id
    sid = make_signal(env.engine, notification="aangemeld")
    with session_scope(env.engine) as session:
        session.get(Signal, sid).register_entry_id = entry_id
    page, errors = _page(browser)
    browser_log_in(page, live_server, "analyst")
    page.goto(f"{live_server}/signalen/{sid}")
    page.click("text=WOM-2026-0420")
    page.wait_for_url(f"{live_server}/register/{entry_id}")
    assert page.locator("main form").count() == 0
    page.click("nav >> text=Register")
    page.wait_for_url(f"{live_server}/register")
    assert page.locator("main form").count() == 0
    assert "Alleen-lezen" in page.locator("main").inner_text()
    assert page.locator("main table", has_text="WOM-2026-0420").is_visible()
    shoot(page, path=str(screenshot_dir / "register_analyst.png"), full_page=True)
    assert errors == []


def test_explanations_are_pages(env, live_server, browser, screenshot_dir):
    sid = make_signal(env.engine)
    page, errors = _page(browser)
    browser_log_in(page, live_server, "analyst")
    page.goto(f"{live_server}/signalen/{sid}")
    assert "docs/severity.md" not in page.content()
    page.click("text=Hoe de ernst wordt berekend")
    page.wait_for_url(f"{live_server}/uitleg/ernst")
    assert page.locator("#onderdelen tbody tr").count() == 6
    page.click("summary")
    assert page.locator(".doc h2", has_text="Formula").is_visible()
    shoot(page, path=str(screenshot_dir / "uitleg_ernst.png"), full_page=True)
    page.click("text=Uitleg over het model")
    page.wait_for_url(f"{live_server}/uitleg/model")
    assert page.locator("#terugkoppeling tbody tr").count() == 4
    shoot(page, path=str(screenshot_dir / "uitleg_model.png"), full_page=True)
    assert errors == []
