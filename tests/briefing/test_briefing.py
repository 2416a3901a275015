from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from signals.actor import Actor
from signals.briefing import Week, write_briefing
from signals.briefing.data import collect
from signals.briefing.render import render_html
from signals.db.models import (
    AuditEvent,
    ChosenIntervention,
    Signal,
    SignalPost,
)
from signals.protocol import activate
from tests.factories import (
    make_decision,
    make_enrichment,
    make_post,
    make_register_entry,
    make_signal,
)

V1 = Path(__file__).resolve().parents[2] / "config" / "protocol" / "v1.yml"
WEEK = Week.parse("2026-W48")  # Mon 23 Nov – Sun 29 Nov 2026
SECRET_TEXT = "Geheime volledige posttekst die nooit in de briefing mag staan"
PSEUDONYM = "ps_0123456789abcdef0123456789abcdef"
MARKED = "iedereen naar het Stadhuisplein"


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def _signal(session, types, first_seen, **kw) -> Signal:
    return make_signal(session, types=types, first_seen_at=first_seen, post_count=0,
                       source_count=0, **kw)


def _seed(session: Session) -> dict:
    activate(session, V1, actor=Actor("sup", "supervisor"))
    entry = make_register_entry(session, "WOM-1", organiser_ref="org", place="Esplanade",
                                place_canonical="Esplanade", start_at=_at(30, 13), hours=2)
    make_register_entry(session, "WOM-2", organiser_ref="org2", place="Grote Markt",
                        place_canonical="Grote Markt",
                        start_at=datetime(2026, 12, 2, 10, tzinfo=UTC), hours=2)
    # This week: 3 calls (1 notified), 1 polarising, 1 threat+anti_government.
    call1 = _signal(
        session,
        ["call_to_gathering"],
        _at(24),
        event_time=_at(30, 13),
        place="Esplanade",
        district="Almere Stad",
        notification_status="aangemeld",
        register_entry_id=entry.id,
        status="escalated",
        title="<script>alert(1)</script> Oproep Esplanade",
    )
    _signal(
        session,
        ["call_to_gathering"],
        _at(25),
        event_time=datetime(2026, 12, 1, 20, tzinfo=UTC),
        place="Stadhuisplein",
        district="Almere Stad",
        notification_status="niet aangemeld",
    )
    _signal(
        session,
        ["call_to_gathering", "threat"],
        _at(26),
        event_time=_at(26, 20),
        place="Kruidenwijk",
        district="Almere Stad",
        notification_status="niet aangemeld",
        status="dismissed",
    )
    _signal(session, ["polarising"], _at(27), district="Almere Buiten", status="monitoring")
    _signal(session, ["threat", "anti_government"], _at(28), district=None)
    # Two weeks earlier: one call.
    _signal(session, ["call_to_gathering"], _at(10), district="Almere Haven")
    # Next week (not counted this week).
    _signal(session, ["polarising"], datetime(2026, 12, 1, tzinfo=UTC))
    post = make_post(session, text=SECRET_TEXT + " " + MARKED, title="t", source_id="s",
                     url="https://x/1", author=PSEUDONYM, fetched_at=_at(24), published_at=None,
                     enriched=False)
    make_enrichment(session, post.id, model_version="clf-test-1", labels={}, flags=[], places=[],
                    in_almere=None)
    session.add(SignalPost(signal_id=call1.id, post_id=post.id, briefing_snippet=MARKED))
    make_decision(session, call1.id, "in_review", from_status="new", actor="ana", rationale="",
                  created_at=_at(24, 15))
    escalation = make_decision(
        session, call1.id, "escalated", from_status="in_review", actor="ana",
        rationale="Oproep met veel verspreiding", protocol_version="v1", created_at=_at(25, 9),
    )
    session.add(
        ChosenIntervention(
            decision_id=escalation.id,
            signal_id=call1.id,
            intervention_id="gesprek-initiatiefnemer",
            protocol_version="v1",
            proportionality_note="eerst praten",
            proposed_by="ana",
            approval_status="approved",
        )
    )
    session.commit()
    return {"call1": call1.id}


def test_counts_and_indicators(db_engine):
    with Session(db_engine) as session:
        _seed(session)
        data = collect(session, WEEK)
    assert [w.label for w in data.weeks] == [
        "2026-W44",
        "2026-W45",
        "2026-W46",
        "2026-W47",
        "2026-W48",
    ]
    assert data.counts_by_type["call_to_gathering"] == [0, 0, 1, 0, 3]
    assert data.counts_by_type["threat"][-1] == 2
    assert data.total_by_week[-1] == 5
    assert data.counts_by_status == {"dismissed": 1, "escalated": 1, "monitoring": 1, "new": 2}
    assert data.counts_by_district["Almere Stad"][-1] == 3
    assert data.counts_by_district["onbekend"][-1] == 1
    assert (data.calls_total, data.calls_notified) == (3, 1)
    assert data.lead_time_n == 3
    assert data.decision_n == 1 and data.decision_hours == 3.0
    assert data.model_versions == ["clf-test-1"]


def test_calendar_of_coming_week(db_engine):
    with Session(db_engine) as session:
        _seed(session)
        calendar = collect(session, WEEK).calendar
    # W49: the Stadhuisplein call (niet aangemeld) and the unmatched register entry WOM-2.
    # The Esplanade entry is in W48 (30 Nov is a Monday of W49? no: 30 Nov 2026 is Monday).
    rows = [(c.kind, c.place, c.notification) for c in calendar]
    assert ("signaal", "Stadhuisplein", "niet aangemeld") in rows
    assert ("register", "Grote Markt", "aangemeld") in rows
    assert ("signaal", "Esplanade", "aangemeld") in rows  # matched entry shown once, as signal
    assert not any(kind == "register" and place == "Esplanade" for kind, place, _ in rows)
    assert [c.start for c in calendar] == sorted(c.start for c in calendar)


@pytest.fixture
def briefing_files(db_engine, tmp_path):
    with Session(db_engine) as session:
        _seed(session)
        first = write_briefing(session, WEEK, tmp_path / "a", actor=Actor("ana", ""))
        second = write_briefing(session, WEEK, tmp_path / "b", actor=Actor("ana", ""))
        session.commit()
        actions = session.scalars(select(AuditEvent.action)).all()
    return first, second, actions


def test_briefing_is_reproducible_audited_and_clean(briefing_files):
    first, second, actions = briefing_files
    html = first.html_path.read_text()
    assert html == second.html_path.read_text() and first.html_sha256 == second.html_sha256
    assert actions.count("briefing.generate") == 2
    assert SECRET_TEXT not in html and PSEUDONYM not in html and "ps_" not in html
    assert MARKED in html  # the snippet an analyst marked
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "illegaal" not in html.lower()
    assert "Gesprek met de initiatiefnemer" in html and "goedgekeurd" in html


def test_pdf_opens_and_has_the_headings(briefing_files):
    first, _, _ = briefing_files
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is installed by `make test`"
    text = subprocess.run(
        [pdftotext, "-layout", str(first.pdf_path), "-"], check=True, capture_output=True, text=True
    ).stdout
    for heading in (
        "Weekbriefing driehoek",
        "Signalen per type",
        "Kalender komende week",
        "Geëscaleerde signalen",
        "Wijzigingen in het protocol",
        "Kandidaat-effectindicatoren",
        "Methode",
    ):
        assert heading in text, heading
    assert SECRET_TEXT not in text and PSEUDONYM not in text


def test_bad_week_is_refused():
    with pytest.raises(ValueError, match="2026-W48"):
        Week.parse("week 48")
    with pytest.raises(ValueError):
        Week.parse("2026-W54")
    assert Week.parse("2026-W48").start == datetime(2026, 11, 22, 23, tzinfo=UTC)
    assert Week.parse("2026-W48").end - Week.parse("2026-W48").start == timedelta(days=7)


def test_the_calendar_shows_no_hour_that_was_not_written(db_engine):
    """A call for "zaterdag" is put at 12:00 by the time grammar; the calendar says the day and
    "tijd onbekend", and "vanavond" says "'s avonds", not 20:00."""
    with Session(db_engine) as session:
        _seed(session)
        _signal(session, ["call_to_gathering"], _at(27), place="Weerwater",
                event_time=datetime(2026, 12, 5, 11, tzinfo=UTC), event_time_text="zaterdag")
        _signal(session, ["call_to_gathering"], _at(27), place="Stationsplein",
                event_time=datetime(2026, 12, 3, 19, tzinfo=UTC), event_time_text="woensdagavond")
        html = render_html(session, collect(session, WEEK))
    assert "<b>tijd onbekend</b> Weerwater" in html
    assert "<b>&#39;s avonds</b> Stationsplein" in html
    assert "<b>12:00</b> Weerwater" not in html and "<b>20:00</b> Stationsplein" not in html
