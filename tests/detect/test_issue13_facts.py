"""Issue 13, facts 1, 2, 3 and 7 at the signals level, reproducing the demo's cases.

No classifier: the place and time facts come from the rule-based pipeline (nlp.pipeline.analyse,
which is what the enricher stores), the label scores are written by hand. Each test fails on the
code before the fix."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from nlp.gazetteer import load_places
from nlp.pipeline import analyse
from nlp.vocabulary import ALMERE_DISTRICTS, NOTIFICATION_NL, OUTSIDE_ALMERE
from signals import severity
from signals.db.models import Signal
from signals.detection.lifecycle import detect
from signals.enrichment import nlp_text
from signals.queries import DISTRICTS
from signals.web.deps import fmt_event_time
from signals.wording import format_event_time, format_when
from tests.factories import make_enriched_post

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _stored(session: Session, title: str, text: str, published: datetime,
            flags: tuple[str, ...] = ("call_to_gathering",)) -> int:
    """A post and the enrichment the enricher would store for it, labels by hand."""
    analysis = analyse([nlp_text(title, text)], [published])[0]
    return make_enriched_post(
        session,
        post={"title": title, "text": text, "source_id": "demo", "key": str(abs(hash(text))),
              "content_hash": str(abs(hash(text))), "author": "pseu_0123456789abcdef",
              "fetched_at": NOW, "published_at": published, "enriched": False},
        model_version="hand-1",
        flags=flags,
        places=[asdict(p) for p in analysis.places],
        in_almere=analysis.in_almere,
        event_time=analysis.time.value if analysis.time else None,
        event_time_text=analysis.time.text if analysis.time else None,
    )


def _signal(session: Session, title: str, text: str, published: datetime,
            flags: tuple[str, ...] = ("call_to_gathering",)) -> Signal:
    """The one signal detection makes of the post `_stored` keeps for these."""
    result = detect(session, [_stored(session, title, text, published, flags)], now=NOW)
    assert len(result.signal_ids) == 1
    signal = session.get(Signal, result.signal_ids[0])
    assert signal is not None
    return signal


# --- fact 1: the time the text states, in the title too ----------------------------------------


def test_title_and_moment_show_the_time_the_text_states(session: Session) -> None:
    # demo-buurtapp bericht-88276
    signal = _signal(
        session, "Demonstratie zaterdag Esplanade (aangemeld)",
        "Zaterdag 28 november om 14:00 demonstreren we op de Esplanade tegen het plan voor een "
        "nieuw azc. De demonstratie is aangemeld bij de gemeente.",
        datetime(2026, 11, 23, 17, 45, tzinfo=UTC),
    )
    assert signal.event_time is not None
    assert format_when(signal.event_time) == "za 28 nov 14:00"
    assert signal.title.endswith("za 28 nov 14:00"), signal.title


@pytest.mark.parametrize(
    ("title", "text", "published", "when"),
    [
        # demo-buurtforum t-4101, published Monday 23 November
        ("Zaterdag naar het Stadhuisplein!",
         "Zaterdag 14u iedereen naar het Stadhuisplein, laat zien dat we het zat zijn!",
         datetime(2026, 11, 23, 19, 12, tzinfo=UTC), "za 28 nov 14:00"),
        # demo-buurtforum t-4087, published Wednesday 18 November
        ("Carpool naar de demo op de Dam zaterdag",
         "Zaterdag 21/11 is de grote demo op de Dam in Amsterdam tegen de woningnood. We "
         "verzamelen om 11:00 bij de carpoolplaats en rijden samen naar de Dam.",
         datetime(2026, 11, 18, 20, 40, tzinfo=UTC), "za 21 nov 11:00"),
    ],
)
def test_clock_in_the_text_beats_the_day_in_the_title(
    session: Session, title: str, text: str, published: datetime, when: str
) -> None:
    signal = _signal(session, title, text, published)
    assert signal.event_time is not None and format_when(signal.event_time) == when
    assert when in signal.title


# --- fact 2: a district named in the text beats a landmark's default district -----------------


def test_azc_in_almere_poort_is_in_almere_poort(session: Session) -> None:
    # demo-telegram-almere-alert 120
    signal = _signal(
        session, "",
        "Zaterdagavond 20:00 verzamelen bij het azc in Almere Poort. Laat die profiteurs maar "
        "zien dat ze hier niet horen. Kom met z'n allen.",
        published=datetime(2026, 11, 25, 11, 10, tzinfo=UTC),
        flags=("call_to_gathering", "polarising"),
    )
    assert signal.place == "Azc Almere"
    assert signal.district == "Almere Poort"


def test_the_district_filter_offers_only_districts_signals_are_filed_under() -> None:
    assert "Almere Oosterwold" not in DISTRICTS
    assert tuple(DISTRICTS) == ALMERE_DISTRICTS
    for place in load_places():
        if place.in_almere and place.district:
            # Oosterwold is filed under Almere Hout: the filter must offer what is stored.
            assert place.district in DISTRICTS, place


def test_oosterwold_signal_is_found_under_almere_hout(session: Session) -> None:
    signal = _signal(session, "", "Zaterdag 14u allemaal naar Oosterwold, laat je horen!",
                     datetime(2026, 11, 25, 11, 10, tzinfo=UTC))
    assert signal.district == "Almere Hout"
    assert signal.district in DISTRICTS


# --- fact 3: outside Almere the notification status does not apply ----------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Zondag 22 november 13:00 allemaal naar het Malieveld in Den Haag! Boeren en "
         "bouwers, laat je horen.", "Malieveld"),
        ("Zaterdag 21/11 is de grote demo op de Dam in Amsterdam. We verzamelen om 11:00 en "
         "gaan samen.", "Dam"),
    ],
)
def test_gathering_elsewhere_is_not_scored_against_almeres_register(
    session: Session, text: str, place: str
) -> None:
    signal = _signal(session, "", text, datetime(2026, 11, 18, 20, 40, tzinfo=UTC))
    assert signal.in_almere is False
    assert signal.place == place
    assert signal.notification_status == OUTSIDE_ALMERE
    assert NOTIFICATION_NL[signal.notification_status] == "buiten Almere — n.v.t."
    assert signal.register_entry_id is None
    keys = {c["key"] for c in signal.severity_breakdown["components"]}
    assert "notification" not in keys  # no +0.10 for "niet aangemeld"
    # A gathering elsewhere never becomes a district of Almere.
    assert signal.district is None


def test_severity_has_no_notification_part_outside_almere() -> None:
    common = dict(
        labels={"call_to_gathering": {"p": 0.9}},
        event_time=NOW,
        now=NOW,
        post_count=1,
        source_count=1,
    )
    outside, breakdown = severity.score(in_almere=False, notification_status="niet aangemeld",
                                        **common)
    assert all(c["key"] != "notification" for c in breakdown["components"])
    assert abs(sum(c["score"] for c in breakdown["components"]) - outside) < 1e-3
    inside, _ = severity.score(in_almere=True, notification_status="niet aangemeld", **common)
    assert inside - outside == pytest.approx(0.15 + 0.10, abs=1e-3)


# --- fact 7: one band, one colour ------------------------------------------------------------


def test_one_band_for_a_score_as_shown() -> None:
    assert severity.band(0.4000) == severity.band(0.3998)  # both shown as 0.40
    assert severity.band(0.4000).key == "mid"
    assert severity.band(0.38).key == "low"
    assert severity.band(0.6951).key == "high"  # shown as 0.70
    assert severity.band(None).key == "low"


def test_css_colours_are_the_bands_colours() -> None:
    css = (REPO / "signals/web/static/app.css").read_text(encoding="utf-8")
    for band in severity.BANDS:
        assert re.search(rf"--{band.key}:\s*{re.escape(band.colour)}\b", css), band
        assert f".sevbadge.sev-{band.key}" in css
    # The big badge on the signal page has no colour of its own any more.
    assert ".sevbadge.big {" not in css and ".sevbadge.big{" not in css


def test_templates_band_scores_only_through_the_filter() -> None:
    templates = REPO / "signals/web/templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"severity\s*>=?\s*0\.\d", text), path
        # A badge's colour comes from a band: one computed by the filter from a score, or one
        # of severity.BANDS itself (the legend on /uitleg/ernst).
        for match in re.finditer(r"sev-\{\{\s*(\w+)\.key\s*\}\}", text):
            name = match.group(1)
            from_filter = re.search(rf"set {name} = [^%]*\|sev_band", text)
            from_bands = re.search(rf"for {name} in bands\b", text)
            assert from_filter or from_bands, (path, name)


# --- an hour nobody wrote is not shown -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown", "figures"),
    [
        # A bare date is put at 12:00 and "vanavond" at 20:00 by the time grammar: neither hour
        # was written, so the title says the day (and the part of the day) only.
        ("Morgen allemaal naar het Stadhuisplein!", "vr 27 nov", "27-11-2026"),
        ("Vanavond allemaal naar het Stadhuisplein!", "do 26 nov 's avonds",
         "26-11-2026 's avonds"),
        ("Morgen om 15:00 allemaal naar het Stadhuisplein!", "vr 27 nov 15:00",
         "27-11-2026 15:00"),
    ],
)
def test_the_moment_is_shown_as_precisely_as_it_was_written(
    session: Session, text: str, shown: str, figures: str
) -> None:
    signal = _signal(session, "Oproep", text, NOW)
    assert signal.title.endswith(shown), signal.title
    assert format_event_time(signal.event_time, signal.event_time_text) == shown
    assert fmt_event_time(signal.event_time, signal.event_time_text) == figures
