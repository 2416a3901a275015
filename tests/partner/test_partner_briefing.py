"""The weekly briefing counts partner reports by kind of organisation and district, and how
often online signals and reports met; it names no organisation, reporter or contact."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select

from signals.briefing.data import collect
from signals.briefing.render import render_html
from signals.briefing.week import Week
from signals.db.models import User
from signals.db.session import session_scope
from signals.partner.form import ReportInput
from signals.services import Actor
from signals.services import partner as reports

from .conftest import online_call

REPORT = ReportInput(
    what="Jongeren spreken af om bij het stadhuis de confrontatie op te zoeken.",
    where="Stadhuisplein", when="zaterdag 14:00", knowledge="gehoord", urgency="hoog",
    contact="bel-mij@example.nl",
)


def _reporter(session, username: str) -> reports.Reporter:
    user = session.scalar(select(User).where(User.username == username))
    return reports.reporter_for(session, Actor(user.username, user.role, user.id))


def test_briefing_counts_partner_reports_without_naming_anyone(env):
    now = datetime.now(UTC)
    online_call(env.engine)  # an online call this week at the Stadhuisplein, saturday 14:00
    online_call(env.engine, place="Esplanade")  # one no report meets
    with session_scope(env.engine) as session:
        reports.submit_report(session, _reporter(session, "partner"), REPORT, now=now)
        reports.submit_report(
            session, _reporter(session, "partner2"),
            replace(REPORT, where="Havenhoofd", when="vrijdag 21:00", contact=""), now=now)
    week = Week.containing(now)
    with session_scope(env.engine) as session:
        data = collect(session, week)
        p = data.partner
        assert p.reports == 2
        assert p.by_kind == {"jongerenwerk": 1, "politie": 1}
        assert sum(p.by_district.values()) == 2 and p.by_district.get("Almere Stad") == 1
        assert (p.online_met, p.online_total, p.reports_met) == (1, 2, 1)
        html = render_html(session, data)
    assert "Meldingen van partners" in html
    assert "1 van de 2 online signalen" in " ".join(html.split())
    for secret in ("Jongerenwerk Almere", "Politie Flevoland", "bel-mij@example.nl",
                   "partner2", REPORT.what):
        assert secret not in html
