"""Issue 13, "what analysts expect", in a real browser (Chromium via Playwright), one test per
tool as an analyst uses it: a note, assignment with "Aan mij toegewezen", a bulk decision,
sorting and "Komende bijeenkomsten", the CSV download and a quote for the briefing.
Screenshots of the queue and the signal page go to var/artefacts/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from signals.db.models import Signal, SignalNote, SignalPost
from signals.db.session import session_scope
from tests.webapp import shoot

from .conftest import browser_log_in, make_signal, page_with_errors

pytestmark = pytest.mark.browser


def _open(browser, live_server, username: str = "analyst"):
    page, errors = page_with_errors(
        browser, viewport={"width": 1400, "height": 900}, locale="nl-NL"
    )
    browser_log_in(page, live_server, username)
    page.wait_for_url(f"{live_server}/signalen")
    return page, errors


def _set(engine, signal_id: int, **values) -> None:
    with session_scope(engine) as session:
        session.execute(update(Signal).where(Signal.id == signal_id).values(**values))


def test_note_on_a_signal(env, live_server, browser, screenshot_dir) -> None:
    sid = make_signal(env.engine, title="Oproep Stadhuisplein")
    page, errors = _open(browser, live_server)
    page.goto(f"{live_server}/signalen/{sid}")
    page.fill("#notities textarea[name=text]", "Zie @organisator_almere")
    page.click("#notities button[type=submit]")
    assert "gegevens over een auteur" in page.locator("#actie-fout").inner_text()
    page.fill("#notities textarea[name=text]", "Wijkagent gebeld: organisatie is bekend.")
    page.click("#notities button[type=submit]")
    page.wait_for_selector("text=Notitie opgeslagen.")
    note = page.locator("#notities .note").first.inner_text()
    assert "Wijkagent gebeld" in note and "analyst ·" in note
    shoot(page, path=str(screenshot_dir / "analyst_tools_signal.png"), full_page=True)
    with session_scope(env.engine) as session:
        assert len(session.scalars(select(SignalNote)).all()) == 1
    assert errors == []


def test_assign_and_mine_filter(env, live_server, browser) -> None:
    sid = make_signal(env.engine, title="Voor collega", key="c")
    make_signal(env.engine, title="Van niemand", key="n")
    page, _ = _open(browser, live_server)
    page.goto(f"{live_server}/signalen/{sid}")
    page.select_option("#toewijzing select[name=assignee]", "analyst2")
    page.click("#toewijzing button:has-text('Toewijzen')")
    page.wait_for_selector("text=Toegewezen aan analyst2.")
    page.close()

    page, _ = _open(browser, live_server, "analyst2")
    page.check("input[name=mine]")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**mine=1**")
    rows = page.locator("table.queue tbody").inner_text()
    assert "Voor collega" in rows and "Van niemand" not in rows
    page.goto(f"{live_server}/signalen/{sid}")
    page.click("text=Toewijzing opheffen")
    page.wait_for_selector("text=Toewijzing opgeheven.")
    with session_scope(env.engine) as session:
        assert session.get(Signal, sid).assigned_to is None


def test_bulk_dismiss_with_one_stale(env, live_server, browser, screenshot_dir) -> None:
    a = make_signal(env.engine, title="Ruis een", status="in_review", key="a", severity=0.3)
    b = make_signal(env.engine, title="Ruis twee", status="new", key="b", severity=0.2)
    c = make_signal(env.engine, title="Ruis drie", status="in_review", key="c", severity=0.1)
    page, _ = _open(browser, live_server)
    for sid in (a, b, c):
        page.check(f"input[name=signal][value^='{sid}:']")
    _set(env.engine, c, status="monitoring", version=2)  # a colleague was quicker
    page.check("#bulk input[value=dismissed]")
    page.select_option("#bulk select[name=reason_code]", "news_report")
    page.fill("#bulk textarea[name=rationale]", "Verslag achteraf, geen oproep.")
    page.click("#bulk button[type=submit]")
    done = page.locator("#melding").inner_text()
    assert f"#{a}" in done and f"#{b}" in done and f"#{c}" not in done
    assert f"Signaal #{c} niet verwerkt" in page.locator("#melding-fout").inner_text()
    shoot(page, path=str(screenshot_dir / "analyst_tools_queue_bulk.png"), full_page=True)
    with session_scope(env.engine) as session:
        assert [session.get(Signal, i).status for i in (a, b, c)] == [
            "dismissed", "dismissed", "monitoring"
        ]


def test_sort_and_upcoming(env, live_server, browser, screenshot_dir) -> None:
    now = datetime.now(UTC)
    soon = make_signal(env.engine, title="Straks", severity=0.2, key="s", district="Almere Haven")
    later = make_signal(env.engine, title="Later", severity=0.9, key="l", district="Almere Buiten")
    gone = make_signal(env.engine, title="Geweest", severity=0.5, key="g", district="Almere Poort")
    _set(env.engine, soon, event_time=now + timedelta(hours=2))
    _set(env.engine, later, event_time=now + timedelta(days=4))
    _set(env.engine, gone, event_time=now - timedelta(days=1))
    page, _ = _open(browser, live_server)

    def titles() -> list[str]:
        return page.locator("table.queue tbody tr td:nth-child(2) a").all_inner_texts()

    assert titles() == ["Later", "Geweest", "Straks"]
    page.click("th a.sort:has-text('Moment')")
    page.wait_for_url("**sort=moment**")
    assert titles() == ["Geweest", "Straks", "Later"]
    page.click("th a.sort:has-text('Moment')")  # again: the other way round
    page.wait_for_url("**order=desc**")
    assert titles() == ["Later", "Straks", "Geweest"]
    page.click("th a.sort:has-text('Plaats')")
    assert titles() == ["Later", "Straks", "Geweest"]  # Buiten, Haven, Poort
    page.goto(f"{live_server}/signalen")
    page.check("input[name=upcoming]")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**upcoming=1**")
    assert titles() == ["Straks", "Later"]
    shoot(page, path=str(screenshot_dir / "analyst_tools_queue.png"), full_page=True)


def test_csv_download(env, live_server, browser) -> None:
    make_signal(env.engine, title="Demonstratie Esplanade", district="Almere Stad", key="e")
    make_signal(env.engine, title="Elders", district="Almere Haven", key="h")
    page, _ = _open(browser, live_server)
    page.goto(f"{live_server}/signalen?district=Almere+Stad")
    with page.expect_download() as info:
        page.click("#export-csv")
    path = info.value.path()
    content = Path(path).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "Demonstratie Esplanade" in text and "Elders" not in text
    assert text.splitlines()[0].startswith("id;titel;typen;stadsdeel")


def test_quote_for_the_briefing(env, live_server, browser) -> None:
    sid = make_signal(env.engine, text="Zaterdag 14:00 allemaal naar het Stadhuisplein, @jan_a!")
    page, _ = _open(browser, live_server)
    page.goto(f"{live_server}/signalen/{sid}")
    page.fill(".briefing-mark input[name=quote]", "allemaal naar het Stadhuisplein")
    page.click(".briefing-mark button:has-text('Opnemen in briefing')")
    page.wait_for_selector("text=Citaat opgenomen in de briefing.")
    assert "„allemaal naar het Stadhuisplein”" in page.locator(".briefing-mark").inner_text()
    page.click(".briefing-mark button:has-text('Niet opnemen')")
    page.wait_for_selector("text=Citaat uit de briefing gehaald.")
    with session_scope(env.engine) as session:
        assert session.scalars(select(SignalPost.briefing_snippet)).one() is None
