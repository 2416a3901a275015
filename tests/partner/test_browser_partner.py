"""A partner on a phone (390 px wide): the form, the personal-data step and the confirmation,
checked with axe-core (no serious or critical WCAG violation); then an analyst sees the report
clustered with the online call at the same place and time."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.webapp import shoot

from .conftest import browser_log_in, online_call

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "browser_assets" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
# After a click that submits a form, the next page is waited for, not looked at at once: under a
# busy suite the classification behind "Ja, verstuur melding" took longer than the click's own
# wait, and is_visible() read the form page still (2026-12-07).
NEXT_PAGE_MS = 30_000


def _axe(page) -> list[dict]:
    """Serious and critical violations of WCAG 2.0/2.1 A and AA on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _arrives(page, heading: str) -> None:
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=NEXT_PAGE_MS)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px screen"


def test_partner_reports_on_a_phone_and_the_analyst_sees_it_clustered(
    browser, live_server, env, screenshot_dir
):
    from nlp.api import get_enricher

    get_enricher()  # loaded once per process; the live server shares it (same process)
    online = online_call(env.engine)
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="nl-NL", timezone_id="Europe/Amsterdam",
                                  bypass_csp=True)  # the app's CSP forbids the injected axe
    page = context.new_page()
    try:
        browser_log_in(page, live_server, "partner")
        page.wait_for_url(f"{live_server}/melden")
        assert page.get_by_text("Meld plaatsen en gebeurtenissen, geen personen").is_visible()
        _fits(page)
        assert _axe(page) == []
        shoot(page, path=str(screenshot_dir / "partner_form_390.png"), full_page=True)

        page.get_by_label("Wat heeft u gezien of gehoord?").fill(
            "Op school wordt gepraat over rellen bij het stadhuis. Bel Jan op 06-12345678.")
        page.get_by_label("Waar?").fill("Stadhuisplein")
        page.get_by_label("Wanneer gaat het gebeuren?").fill("zaterdag 14:00")
        page.get_by_label("Van iemand anders gehoord").check()
        page.get_by_label("Dringend (binnen 24 uur)").check()
        page.get_by_role("button", name="Controleren").click()
        _arrives(page, "Haal persoonsgegevens weg")
        assert page.locator("mark.pii").count() >= 1
        _fits(page)
        assert _axe(page) == []
        shoot(page, path=str(screenshot_dir / "partner_hits_390.png"), full_page=True)

        page.get_by_label("Wat heeft u gezien of gehoord?").fill(
            "Op school wordt gepraat over rellen bij het stadhuis.")
        page.get_by_role("button", name="Opnieuw controleren").click()
        _arrives(page, "Klopt uw melding?")
        assert page.get_by_text("U bedoelt: zaterdag").is_visible()
        _fits(page)
        assert _axe(page) == []
        shoot(page, path=str(screenshot_dir / "partner_confirm_390.png"), full_page=True)

        page.get_by_role("button", name="Ja, verstuur melding").click()
        _arrives(page, "Bedankt, uw melding is verstuurd")
        number = page.locator(".number").inner_text()
        assert number.startswith("M-")
        _fits(page)
        assert _axe(page) == []
        shoot(page, path=str(screenshot_dir / "partner_done_390.png"), full_page=True)
        page.goto(f"{live_server}/mijn-meldingen")
        assert page.get_by_text(number).is_visible()
    finally:
        context.close()

    analyst = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        browser_log_in(analyst, live_server, "analyst")
        analyst.goto(f"{live_server}/signalen/{online}")
        assert analyst.get_by_role("heading", name="Meldingen van partners (1)").is_visible()
        assert analyst.get_by_text("Bevestigd door melding partner").first.is_visible()
        assert analyst.get_by_text("Jongerenwerk Almere").count() == 0
        meldingen = analyst.locator("#meldingen")
        shoot(meldingen, path=str(screenshot_dir / "partner_on_signal_page.png"))
        shoot(analyst, path=str(screenshot_dir / "partner_signal_page_full.png"), full_page=True)
    finally:
        analyst.close()
