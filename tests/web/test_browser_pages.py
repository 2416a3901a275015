"""Issue 13, in Chromium as a user would do it: the audit page in Dutch with clear counts, the
privacy page of the demo's configuration, the weekly briefing made and downloaded by a
supervisor, and four eyes with the demo's two supervisors. Screenshots (and page 1 of the
briefing PDF) land in var/artefacts/ to be looked at."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from signals.config import REPO_ROOT, get_settings
from signals.web.app import create_app
from tests.webapp import shoot

from .conftest import browser_log_in, make_signal
from .test_issue13_pages import _activate_two_protocol_versions

pytestmark = pytest.mark.browser

ARTEFACTS = REPO_ROOT / "var" / "artefacts"


@pytest.fixture
def app(env, monkeypatch):
    """The app as `signals demo` serves it: reading the demo's own source registry."""
    from signals.demo import export_demo_environment

    # Recorded first, so that the environment is restored after the test.
    monkeypatch.setenv("SIGNALS_SOURCES", "")
    monkeypatch.setenv("SIGNALS_SOURCES_BASE_URL", "")
    export_demo_environment("http://127.0.0.1:8765")
    return create_app(get_settings())


def _log_out(page) -> None:
    page.click("form.logout button")
    page.wait_for_url(re.compile(r".*/login.*"))


def test_audit_page_in_dutch_with_clear_counts(browser, live_server, env, screenshot_dir):
    sid = make_signal(env.engine)
    page = browser.new_page()
    try:
        browser_log_in(page, live_server, "analyst")
        page.goto(f"{live_server}/signalen/{sid}")
        _log_out(page)
        browser_log_in(page, live_server, "auditor")
        page.goto(f"{live_server}/audit")
        table = page.locator("table.audit")
        text = table.inner_text()
        assert "signaal bekijken" in text and "inloggen" in text
        assert "signal.view" not in text and "login.success" not in text and "{" not in text
        assert f"signaal bekijken\tsignaal {sid}" in text  # the target, in Dutch
        assert re.search(r"via\s+webpagina", text)  # the details, as Dutch key/value text
        assert "analist" in text  # the role, in Dutch
        count = page.locator("p.audit-count").inner_text()
        scope = page.locator(".verify-scope").inner_text()
        total = int(re.match(r"(\d+) gebeurtenissen in het auditlog", count).group(1))
        assert f"alle {total} regels van het auditlog gecontroleerd" in scope
        shoot(page, path=str(screenshot_dir / "audit-page.png"), full_page=True)
        # The filter offers Dutch names and narrows the list with an explained count.
        options = page.locator("select[name=action] option").all_inner_texts()
        assert "signaal bekijken" in options and "signal.view" not in options
        page.select_option("select[name=action]", label="signaal bekijken")
        page.click("form.filters button[type=submit]")
        page.wait_for_url(re.compile(r".*action=signal\.view.*"))
        count = page.locator("p.audit-count").inner_text()
        assert re.match(r"1 van de \d+ gebeurtenissen past bij de filters", count), count
        shoot(page, path=str(screenshot_dir / "audit-page-filtered.png"), full_page=True)
    finally:
        page.close()


def test_privacy_page_of_the_demo(browser, live_server, env, screenshot_dir):
    page = browser.new_page()
    try:
        browser_log_in(page, live_server, "analyst")
        page.goto(f"{live_server}/privacy")
        sources = page.locator("#bronnen").inner_text()
        assert "Dit is de demo" in sources
        assert "Almere Stadsnieuws (synthetisch)" in sources
        assert "Omroep Flevoland" not in sources and "mastodon_tag" not in sources
        models = page.locator("table.models").inner_text()
        assert "multilingual-e5-small" in models and "spaCy" in models
        assert re.search(r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|"
                         r"september|oktober|november|december) \d{4}", models)
        assert not re.search(r"\d{4}-\d{2}-\d{2}T", page.content())
        shoot(page, path=str(screenshot_dir / "privacy-page.png"), full_page=True)
    finally:
        page.close()


def test_supervisor_makes_and_downloads_the_weekly_briefing(
    browser, live_server, env, screenshot_dir
):
    from signals.briefing import Week

    make_signal(env.engine, key="a")
    make_signal(env.engine, key="b", types=["threat"], severity=0.45, district="Almere Poort")
    _activate_two_protocol_versions(env)
    week = Week.containing(datetime.now(UTC)).label
    page = browser.new_page(accept_downloads=True)
    try:
        browser_log_in(page, live_server, "supervisor")
        page.click("nav >> text=Weekbriefing")
        page.wait_for_url(f"{live_server}/briefing")
        assert page.locator("select[name=week]").input_value() == week
        assert "Protocol v1 → v2" in page.locator("#protocol").inner_text()
        page.click("text=Maak de briefing")
        page.wait_for_url(f"{live_server}/briefing?week={week}")
        assert "is gemaakt" in page.locator("p.flash").inner_text()
        shoot(page, path=str(screenshot_dir / "briefing-page.png"), full_page=True)
        with page.expect_download() as info:
            page.click("text=Download de PDF")
        download = info.value
        assert download.suggested_filename == f"weekbriefing-{week}.pdf"
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        pdf = ARTEFACTS / f"weekbriefing-{week}.pdf"
        download.save_as(str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
    finally:
        page.close()
    if shutil.which("pdftoppm"):
        prefix = ARTEFACTS / "weekbriefing-page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(prefix)],
            check=True,
        )
        assert list(ARTEFACTS.glob("weekbriefing-page-1*.png"))


def test_the_demos_second_supervisor_approves_four_eyes(browser, live_server, env, screenshot_dir):
    """The demo's accounts include `supervisor2`: an intervention proposed by `supervisor`
    is approved by the second supervisor, logged in with the password the demo printed."""
    import json

    from signals.cli.core_cmds import _ensure_demo_users

    from .test_interventions_browser import (
        _approve_first,
        _escalated_signal,
        _propose_noodbevel,
    )

    passwords = _ensure_demo_users()
    stored = json.loads((env.settings.var_dir / "demo_logins.json").read_text())
    assert stored["supervisor2"] == passwords["supervisor2"]
    sid = _escalated_signal(env)
    _propose_noodbevel(env, sid, "supervisor")
    page = browser.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", "supervisor2")
        page.fill("input[name=password]", passwords["supervisor2"])
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/signalen.*"))
        page.goto(f"{live_server}/interventies")
        history = _approve_first(page, live_server, sid, "Akkoord, tweede supervisor")
        assert "goedgekeurd door supervisor2" in history
        shoot(page, path=str(screenshot_dir / "demo-four-eyes.png"), full_page=True)
    finally:
        page.close()
