"""Dates written out the Dutch way for pages people read: "5 december 2026"."""

from __future__ import annotations

from datetime import UTC, date, datetime

from nlp.vocabulary import TZ

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
DAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DAYS_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)  # naive means UTC
        return moment.astimezone(TZ)
    return value


def long_date(value: date | datetime | str | None) -> str:
    """ "5 december 2026" (a moment in Amsterdam's calendar); an ISO string is parsed first."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    day = _local(value)
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def long_datetime(value: datetime | str | None) -> str:
    """ "5 december 2026, 15:54" in Amsterdam time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value is None:
        return "—"
    local = _local(value)
    return f"{long_date(local)}, {local:%H:%M}"
