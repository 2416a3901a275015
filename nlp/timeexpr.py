"""Event-time expressions: find them in Dutch text and resolve them against the publication time.

dateparser misreads "20.00 uur" and "14u" as durations and knows no "vanavond", "morgenavond" or
"a.s. zondag", so the grammar here is our own: a day part (relative word, weekday or date) and/or
a clock part, each optional, resolved in Europe/Amsterdam. Date-only expressions resolve to
12:00 local time, relative day parts to a conventional hour (avond 20:00, middag 14:00, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from nlp.vocabulary import TZ

WEEKDAYS = {
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5,
    "zondag": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}
MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
PARTS = {"ochtend": 9, "morgen": 9, "middag": 14, "avond": 20, "nacht": 23}
RELATIVE = {
    "vandaag": (0, None), "vanochtend": (0, 9), "vanmorgen": (0, 9), "vanmiddag": (0, 14),
    "vanavond": (0, 20), "vannacht": (0, 23), "straks": (0, None), "tonight": (0, 20),
    "today": (0, None), "morgen": (1, None), "morgenochtend": (1, 9), "morgenvroeg": (1, 8),
    "morgenmiddag": (1, 14), "morgenavond": (1, 20), "morgennacht": (1, 23),
    "tomorrow": (1, None), "overmorgen": (2, None),
}

_WD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_REL = "|".join(sorted(RELATIVE, key=len, reverse=True))
_PART = "ochtend|middag|avond|nacht|morgen"

# A clock time: "14u", "14u30", "14:00", "20.00 uur", "om 8 uur", "om 20.00", "21h", "8pm".
# Built twice with different group suffixes because Python's re forbids repeated group names.
def _clock_re(sfx: str) -> str:
    return (
        r"(?:(?:om|vanaf|rond|around|at)\s+)?"
        rf"(?<![€$\d.,])(?P<h{sfx}>[01]?\d|2[0-3])"
        rf"(?:(?:[:.](?P<m{sfx}>[0-5]\d))(?!\d)|(?:\s*(?:u|h)(?P<n{sfx}>[0-5]\d)?)(?![a-z])"
        rf"|(?:\s*(?P<ampm{sfx}>am|pm))\b|(?=\s*uur))(?:\s*uur)?"
        rf"(?:\s*(?:'s\s*)?(?P<cpart{sfx}>avonds|middags|ochtends|nachts|morgens))?"
    )


_DAY = (
    r"(?:(?P<asp>a\.s\.|as|aanstaande|komende|deze|volgende\s+week|next|this)\s+)?"
    rf"(?:(?P<rel>{_REL})|(?P<wd>{_WD})(?P<wdpart>{_PART})?"
    # "VRIJDAG 27/11", "vrijdagavond 27 november": weekday and date are one expression, so the
    # clock time that follows the date is not cut off from the weekday.
    rf"(?:\s*,?\s*(?P<dd2>[0-3]?\d)(?:\s*(?P<mon2>{_MON})\.?|[-/](?P<mm2>1[0-2]|0?[1-9])(?![\d:.]))"
    r"(?:\s+(?P<yy2>20\d\d))?)?"
    rf"|(?P<dd>[0-3]?\d)(?:\s*(?P<mon>{_MON})\.?|[-/](?P<mm>1[0-2]|0?[1-9])(?![\d:.]))"
    r"(?:\s+(?P<yy>20\d\d))?)"
    r"(?:\s+(?P<asp2>a\.s\.|as|aanstaande))?"
)
_EXTRA = r"(?P<extra>\s+na\s+het\s+eten|\s+na\s+(?:het\s+)?werk|\s+na\s+school)?"
_PATTERN = re.compile(
    rf"\b(?:{_DAY}{_EXTRA}(?:\s*,?\s*{_clock_re('1')})?|{_clock_re('2')})",
    re.IGNORECASE,
)
# Cheap prefilter: most posts have no time expression at all.
_HINT = re.compile(
    rf"\d|{_REL}|{_WD}|{_MON}|vandaag|straks", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class TimeExpr:
    text: str
    start: int
    end: int
    value: datetime
    # True when the expression states a clock time; False when the hour is a convention
    # (12:00 for a bare date, 20:00 for "avond").
    has_clock: bool = False
    # False for a bare clock time ("21u"), whose day is inferred from the publication time.
    has_day: bool = True
    # For a day and a clock written apart ("Zaterdag ... om 20:00"): the two spans as written;
    # `text` then joins them and start/end cover both.
    parts: tuple[tuple[int, int], ...] = ()


def _as_local(published_at: datetime | None) -> datetime:
    if published_at is None:
        return datetime.now(TZ)
    if published_at.tzinfo is None:
        # Naive timestamps are taken as UTC: that is how the store (SQLite) hands them back.
        return published_at.replace(tzinfo=UTC).astimezone(TZ)
    return published_at.astimezone(TZ)


def _clock(m: re.Match) -> tuple[int, int] | None:
    sfx = "1" if m.group("h1") is not None else "2"
    h = m.group("h" + sfx)
    if h is None:
        return None
    hour = int(h)
    minute = int(m.group("m" + sfx) or m.group("n" + sfx) or 0)
    ampm = (m.group("ampm" + sfx) or "").lower()
    cpart = (m.group("cpart" + sfx) or "").lower()
    if (ampm == "pm" or cpart in ("avonds", "middags", "nachts")) and hour < 12:
        hour += 12
    if hour == 24:
        hour = 0
    return hour, minute


def _resolve(m: re.Match, ref: datetime) -> datetime | None:
    today = ref.date()
    day: date | None = None
    hour: int | None = None
    minute = 0
    rel = m.group("rel")
    wd = m.group("wd")
    asp = (m.group("asp") or m.group("asp2") or "").lower()
    if rel:
        offset, hour = RELATIVE[rel.lower()]
        day = today + timedelta(days=offset)
    elif wd:
        target = WEEKDAYS[wd.lower()]
        delta = (target - today.weekday()) % 7
        if asp.startswith("volgende") or asp == "next":
            # "volgende week zaterdag": the weekday in next calendar week.
            delta = (7 - today.weekday()) + target
        elif delta == 0 and asp in ("a.s.", "as", "aanstaande", "komende"):
            delta = 7
        day = today + timedelta(days=delta)
        part = m.group("wdpart")
        if part:
            hour = PARTS[part.lower()]
    if m.group("dd") or m.group("dd2"):
        # An explicit date wins over the weekday written next to it.
        sfx = "" if m.group("dd") else "2"
        dd = int(m.group("dd" + sfx))
        mon = m.group("mon" + sfx)
        month = MONTHS[mon.lower()] if mon else int(m.group("mm" + sfx))
        yy = m.group("yy" + sfx)
        year = int(yy) if yy else today.year
        try:
            day = date(year, month, dd)
        except ValueError:
            return None
        # A date without year more than a week in the past means next year's date.
        if not yy and day < today - timedelta(days=7):
            day = date(year + 1, month, dd)
    if m.group("extra"):
        hour = 19 if "eten" in m.group("extra") else 18
    clock = _clock(m)
    if clock is not None:
        hour, minute = clock
    if day is None:
        if clock is None:
            return None
        day = today
        # A bare clock time that already passed today refers to tomorrow.
        if (hour, minute) < (ref.hour, ref.minute) and ref.hour - hour >= 1:
            day = today + timedelta(days=1)
    elif wd and day == today and clock is not None and (hour, minute) < (ref.hour, ref.minute):
        day = today + timedelta(days=7)
    return datetime.combine(day, time(12 if hour is None else hour, minute), tzinfo=TZ)


def find_times(text: str, published_at: datetime | None) -> list[TimeExpr]:
    if not _HINT.search(text):
        return []
    ref = _as_local(published_at)
    found: list[TimeExpr] = []
    for m in _PATTERN.finditer(text):
        value = _resolve(m, ref)
        if value is None:
            continue
        has_clock = m.group("h1") is not None or m.group("h2") is not None
        has_day = any(m.group(g) for g in ("rel", "wd", "dd", "dd2"))
        found.append(
            TimeExpr(m.group(0).strip(), m.start(), m.end(), value, has_clock, has_day)
        )
    return found


# How far apart (in characters) a day and a later clock time may be written and still be read as
# one time: "Zaterdag spelen we in ... Entree gratis, begint om 20:00" is one event time in a short
# post; a clock in a later paragraph of an article is not.
_CLOCK_GAP = 160


def _joined(text: str, day: TimeExpr, clock: TimeExpr) -> TimeExpr:
    """A day and a bare clock time written apart, as one expression: the day's date at the
    clock's hour. Written next to each other ("Zaterdag, 21u") they are one span; otherwise both
    spans are kept, in the order they stand in the text."""
    value = day.value.replace(hour=clock.value.hour, minute=clock.value.minute)
    first, second = (day, clock) if day.start < clock.start else (clock, day)
    if 0 <= second.start - first.end <= 3:
        return TimeExpr(text[first.start:second.end].strip(), first.start, second.end, value,
                        True, True)
    return TimeExpr(f"{first.text} {second.text}", first.start, second.end, value, True, True,
                    ((first.start, first.end), (second.start, second.end)))


def _with_clock(text: str, times: list[TimeExpr], i: int) -> TimeExpr:
    """Expression `i`, completed with the clock of a bare clock time written shortly after it
    when it names a day but no clock ("Zaterdag bij het plein, 21u" is Saturday 21:00)."""
    first = times[i]
    if first.has_clock or not first.has_day:
        return first
    for later in times[i + 1:]:
        if later.start - first.end > _CLOCK_GAP or later.has_day:
            # Too far away, or another day is named first: the clock may belong to that one.
            break
        if later.has_clock:
            return _joined(text, first, later)
    return first


_CLOCK_PART = re.compile(_clock_re("9"), re.IGNORECASE)
_DATE = re.compile(rf"\d|\b(?:{_MON})\b", re.IGNORECASE)


def specificity(expr: TimeExpr) -> tuple[bool, bool, bool, bool]:
    """How precisely an expression pins the moment, to compare expressions by: a day with a
    clock time beats a day alone, which beats a clock time alone (its day is a guess); a
    calendar date ("28 november", "21/11") beats a weekday or "morgen"."""
    day_words = _CLOCK_PART.sub(" ", expr.text) if expr.has_clock else expr.text
    has_date = expr.has_day and bool(_DATE.search(day_words))
    return (expr.has_clock and expr.has_day, has_date, expr.has_day, expr.has_clock)


def event_time(text: str, published_at: datetime | None) -> TimeExpr | None:
    """The event time of a post: the most specific time expression, wherever it stands; the
    first one written among equals.

    Title and text are read together, so "Demonstratie zaterdag" in the title and "Zaterdag 28
    november om 14:00" in the text give 28 November 14:00, not Saturday noon. A day named
    without a clock takes the clock of a bare clock time written shortly after it ("Zaterdag
    ... om 20:00"); a clock far away, or after another day, is not joined to it."""
    times = find_times(text, published_at)
    if not times:
        return None
    candidates = [_with_clock(text, times, i) for i in range(len(times))]
    return max(enumerate(candidates), key=lambda ic: (specificity(ic[1]), -ic[0]))[1]


def first_time(text: str, published_at: datetime | None) -> TimeExpr | None:
    """The old name, kept for its callers (nlp.pipeline): the event time, see `event_time`."""
    return event_time(text, published_at)
