"""How a signal is worded for people: its short Dutch title and times the Dutch way.

Detection titles the signals with it; alerts, the CLI and the briefing show times with it, so a
signal reads the same in the queue, in an e-mail and in a terminal."""

from __future__ import annotations

import re
from datetime import datetime

from nlp.vocabulary import CALL, KIND_MELDING, LABEL_TITLE, TZ
from signals.dates_nl import DAYS_SHORT, MONTHS_SHORT

# Title heads by label, in order of precedence (nlp.vocabulary); alerts use them too.
TYPE_TITLES = LABEL_TITLE

# How precisely the words stated a time. The NLP layer puts a bare date at 12:00 and a part of
# the day at a conventional hour ("avond" 20:00): those hours were never written, so only a
# CLOCK time may be shown, or compared, to the hour.
CLOCK, PART_OF_DAY, DATE_ONLY = 2, 1, 0
_CLOCK_RE = re.compile(r"\d{1,2}\s*[:.hu]\s*\d{0,2}|\d{1,2}\s*uur|\b(?:om|at|vanaf)\s+\d", re.I)
_DAYPART_RE = re.compile(
    r"avond|middag|ochtend|morgens|nacht|tonight|evening|afternoon|morning", re.I)
# The conventional hours of the time grammar (nlp.timeexpr) as the part of the day they stand for.
PARTS_OF_DAY = {
    8: "'s ochtends",
    9: "'s ochtends",
    14: "'s middags",
    18: "na het werk",
    19: "na het eten",
    20: "'s avonds",
    23: "'s nachts",
}


def time_precision(event_time_text: str | None) -> int:
    """CLOCK, PART_OF_DAY or DATE_ONLY for the words a time was read from ("zaterdag 14u",
    "vanavond", "morgen")."""
    text = event_time_text or ""
    if _CLOCK_RE.search(text):
        return CLOCK
    if _DAYPART_RE.search(text):
        return PART_OF_DAY
    return DATE_ONLY


def hour_as_written(moment: datetime, precision: int = CLOCK) -> str:
    """The time of day as far as it was written: "14:00", "'s avonds" or nothing."""
    local = moment.astimezone(TZ)
    if precision == CLOCK:
        return f"{local:%H:%M}"
    return PARTS_OF_DAY.get(local.hour, "") if precision == PART_OF_DAY else ""


def format_when(moment: datetime, precision: int = CLOCK) -> str:
    """Almere local time the Dutch way, to the precision it was written: "za 28 nov 14:00",
    "za 28 nov 's avonds", "za 28 nov"."""
    local = moment.astimezone(TZ)
    day, month = DAYS_SHORT[local.weekday()], MONTHS_SHORT[local.month - 1]
    return " ".join(p for p in (f"{day} {local.day} {month}", hour_as_written(local, precision))
                    if p)


def shown_precision(event_time_text: str | None) -> int:
    """How precisely to show an event time: as precisely as its words, and wholly when it came
    without words (a form's field, an import)."""
    return CLOCK if event_time_text is None else time_precision(event_time_text)


# The precision by name, for the API: a client must not read a convention's hour as written.
PRECISION_NAMES = {CLOCK: "clock", PART_OF_DAY: "part_of_day", DATE_ONLY: "date"}


def precision_name(moment: datetime | None, event_time_text: str | None) -> str | None:
    return None if moment is None else PRECISION_NAMES[shown_precision(event_time_text)]


def format_event_time(moment: datetime, event_time_text: str | None) -> str:
    """A signal's or post's event time, to the precision of the words it was read from."""
    return format_when(moment, shown_precision(event_time_text))


def event_time_in_figures(moment: datetime, event_time_text: str | None) -> str:
    """The same in figures, for tables and exports: "08-12-2026 14:00", "08-12-2026 's avonds",
    or "08-12-2026" for "morgen" (whose 12:00 nobody wrote)."""
    hour = hour_as_written(moment, shown_precision(event_time_text))
    return " ".join(p for p in (f"{moment.astimezone(TZ):%d-%m-%Y}", hour) if p)


def signal_title(
    types: list[str], place: str | None, event_time: datetime | None, kind: str | None = None,
    event_time_text: str | None = None,
) -> str:
    """A short neutral Dutch title from type, place and time only: never an author or a quote.
    A partner's report that the classifier gave no label is titled as what it is."""
    main = next((t for t in TYPE_TITLES if t in types), None)
    plain = "Melding partner" if kind == KIND_MELDING else "Signaal"
    head = TYPE_TITLES.get(main, plain) if main else plain
    if main == CALL and "threat" in types:
        head += " met dreiging"
    when = format_event_time(event_time, event_time_text) if event_time else None
    details = [part for part in (place, when) if part]
    return f"{head} – {', '.join(details)}" if details else head
