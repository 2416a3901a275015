from __future__ import annotations

from datetime import datetime

import pytest

from nlp.pipeline import analyse
from nlp.timeexpr import TZ, TimeExpr, find_times, first_time

PUBLISHED = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # a Thursday


def _at(day: int, month: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def _found(text: str, published: datetime = PUBLISHED) -> TimeExpr:
    """The first time expression in `text`, which must have one."""
    found = first_time(text, published)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("text", "expr", "value"),
    [
        ("Zaterdag 14u iedereen naar het Stadhuisplein", "Zaterdag 14u", _at(28, 11, 14)),
        ("morgenavond verzamelen bij de Esplanade", "morgenavond", _at(27, 11, 20)),
        ("vanavond na het eten naar de Kruidenwijk", "vanavond na het eten", _at(26, 11, 19)),
        ("om 20.00 uur bij het stadhuis", "om 20.00 uur", _at(26, 11, 20)),
        ("om 20.00 bij het stadhuis", "om 20.00", _at(26, 11, 20)),
        ("op 3 januari komen we terug", "3 januari", _at(3, 1, 12, year=2027)),
        ("a.s. zondag om 13:30 Weerwater", "a.s. zondag om 13:30", _at(29, 11, 13, 30)),
        ("overmorgen gaan we", "overmorgen", _at(28, 11, 12)),
        ("zaterdagavond pullen we up", "zaterdagavond", _at(28, 11, 20)),
        ("volgende week zaterdag", "volgende week zaterdag", _at(5, 12, 12)),
        ("28-11 om 21u bij het Forum", "28-11 om 21u", _at(28, 11, 21)),
        ("donderdag om 9 uur", "donderdag om 9 uur", _at(3, 12, 9)),
        ("vanmiddag", "vanmiddag", _at(26, 11, 14)),
    ],
)
def test_resolves_relative_to_published_at(text: str, expr: str, value: datetime) -> None:
    found = _found(text)
    assert found.text == expr
    assert text[found.start:found.end].strip() == expr
    assert found.value == value
    assert found.value.tzinfo is not None
    assert found.value.utcoffset() == value.utcoffset()


def test_summer_time_offset() -> None:
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=TZ)
    found = _found("morgen om 14:00", summer)
    assert found.value.isoformat() == "2026-07-02T14:00:00+02:00"


def test_naive_and_utc_published_at_are_converted() -> None:
    utc = datetime.fromisoformat("2026-11-26T23:30:00+00:00")  # already Friday in Almere
    found = _found("morgen om 14:00", utc)
    assert found.value == _at(28, 11, 14)
    naive = datetime(2026, 11, 26, 23, 30)  # naive means UTC, as the store returns it
    found = _found("morgen om 14:00", naive)
    assert found.value == _at(28, 11, 14)


@pytest.mark.parametrize(
    "text", ["kost €3.50 ofzo", "we waren met 14 man", "versie 2.0 is uit", "gewoon een post"]
)
def test_no_false_times(text: str) -> None:
    assert find_times(text, PUBLISHED) == []


def test_analysis_keeps_time_text() -> None:
    a = analyse(["Zaterdag 14u iedereen naar het Stadhuisplein"], [PUBLISHED])[0]
    assert a.time is not None and a.time.text == "Zaterdag 14u"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("VRIJDAG 27/11 21:00 allemaal komen", _at(27, 11, 21)),
        ("Vrijdag 27 nov om 21u bij het plein", _at(27, 11, 21)),
        ("vrijdagavond 27 november om 21.00 uur samenkomen", _at(27, 11, 21)),
        ("Zaterdag 5/12, 15:00 Grote Markt", _at(5, 12, 15)),
        ("zaterdag om 21.00 uur", _at(28, 11, 21)),
    ],
)
def test_weekday_with_date_keeps_the_clock_time(text: str, value: datetime) -> None:
    found = _found(text)
    assert found.value == value
    assert found.has_clock


def test_bare_clock_after_a_day_completes_it() -> None:
    text = "Zaterdag, Stadhuisplein, 21u. Iedereen erheen"
    found = _found(text)
    assert found.value == _at(28, 11, 21)
    assert found.text == "Zaterdag 21u"
    assert [text[s:e] for s, e in found.parts] == ["Zaterdag", "21u"]
    evidence = [e.text for e in analyse([text], [PUBLISHED])[0].evidence() if e.kind == "time"]
    assert evidence == ["Zaterdag", "21u"]


def test_distant_clock_is_not_merged_into_the_day() -> None:
    text = "Zaterdag is het zover. " + "Het wordt een lange dag met veel mensen erbij. " * 4 + "21u"
    found = _found(text)
    assert found.text == "Zaterdag"
    assert found.value == _at(28, 11, 12)


def test_weekday_with_date_takes_the_date() -> None:
    found = _found("Zondag 13/12 op de Esplanade")
    assert found.value == _at(13, 12, 12)
    assert not found.has_clock


def test_clock_after_another_day_is_not_merged_into_the_first() -> None:
    # The clock belongs to Sunday, not to Saturday; and Sunday 14:00, being the more specific
    # expression, is the event time (issue 13: the most specific expression wins).
    found = _found("Zaterdag opbouwen, zondag om 14:00 de optocht")
    assert found.text == "zondag om 14:00"
    assert found.value == _at(29, 11, 14)


def test_clock_later_in_a_short_post_completes_the_day() -> None:
    text = "Zaterdag spelen we in het buurthuis in de Kruidenwijk. Entree gratis, begint om 20:00."
    found = _found(text)
    assert found.value == _at(28, 11, 20)
    assert found.text == "Zaterdag om 20:00"
