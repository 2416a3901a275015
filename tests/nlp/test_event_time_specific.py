"""Issue 13, fact 1: the most specific time expression wins, wherever it stands.

The demo's posts are read as title + "\\n" + text (signals.enrichment.nlp_text); on the old code
a vague day in the title ("zaterdag") beat the full time in the text and gave Saturday 12:00.
These tests need no classifier: they run the time grammar and the rule-based pipeline only."""

from __future__ import annotations

from datetime import datetime

import pytest

from nlp.pipeline import analyse
from nlp.timeexpr import TZ, event_time, specificity

PUBLISHED = datetime(2026, 11, 23, 18, 45, tzinfo=TZ)  # Monday of the demo week


def _at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


DEMO_CASES = [
    # demo-buurtapp bericht-88276: the announced Esplanade demonstration
    (
        "Demonstratie zaterdag Esplanade (aangemeld)\nZaterdag 28 november om 14:00 demonstreren "
        "we op de Esplanade tegen het plan voor een nieuw azc.",
        _at(28, 11, 14),
        "Zaterdag 28 november om 14:00",
    ),
    # demo-buurtforum t-4101
    (
        "Zaterdag naar het Stadhuisplein!\nZaterdag 14u iedereen naar het Stadhuisplein, laat "
        "zien dat we het zat zijn met het sluiten van de buurthuizen!",
        _at(28, 11, 14),
        "Zaterdag 14u",
    ),
    # demo-buurtforum t-4087: the carpool to the Dam, "om 11:00" after the date
    (
        "Carpool naar de demo op de Dam zaterdag\nZaterdag 21/11 is de grote demo op de Dam in "
        "Amsterdam tegen de woningnood. We verzamelen om 11:00 bij de carpoolplaats bij Almere "
        "Buiten-Oost en rijden samen naar de Dam.",
        _at(21, 11, 11),
        "Zaterdag 21/11 om 11:00",
    ),
]


@pytest.mark.parametrize(("text", "value", "words"), DEMO_CASES)
def test_the_time_the_text_states_wins_over_a_vague_title(
    text: str, value: datetime, words: str
) -> None:
    published = datetime(2026, 11, 18, 21, 40, tzinfo=TZ) if "Dam" in text else PUBLISHED
    found = event_time(text, published)
    assert found is not None
    assert found.value == value, found
    assert found.value.hour != 12
    assert found.text == words


@pytest.mark.parametrize(("text", "value", "words"), DEMO_CASES)
def test_the_pipeline_reports_the_specific_time(text: str, value: datetime, words: str) -> None:
    published = datetime(2026, 11, 18, 21, 40, tzinfo=TZ) if "Dam" in text else PUBLISHED
    analysis = analyse([text], [published])[0]
    assert analysis.time is not None
    assert analysis.time.value == value
    # The evidence highlights the words that gave the time, not the title's "zaterdag".
    spans = [e.text for e in analysis.evidence() if e.kind == "time"]
    assert "".join(spans).replace(" ", "") in words.replace(" ", "")


def test_specificity_orders_day_and_clock_above_day_above_clock() -> None:
    day_clock, day, clock = (
        event_time(t, PUBLISHED) for t in ("zaterdag 14u", "zaterdag", "om 11:00")
    )
    assert day_clock and day and clock
    assert specificity(day_clock) > specificity(day) > specificity(clock)
    dated = event_time("28 november", PUBLISHED)
    assert dated and specificity(dated) > specificity(day)


def test_a_clock_alone_keeps_its_own_time() -> None:
    found = event_time("Kom om 11:00 naar de Esplanade", PUBLISHED)
    assert found is not None and (found.value.hour, found.value.minute) == (11, 0)
