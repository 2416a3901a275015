"""How a signal is worded for people: its short Dutch title and times the Dutch way.

Detection titles the signals with it; alerts, the CLI and the briefing show times with it, so a
signal reads the same in the queue, in an e-mail and in a terminal."""

from __future__ import annotations

from datetime import datetime

from nlp.vocabulary import CALL, KIND_MELDING, LABEL_TITLE, TZ
from signals.dates_nl import DAYS_SHORT, MONTHS_SHORT

# Title heads by label, in order of precedence (nlp.vocabulary); alerts use them too.
TYPE_TITLES = LABEL_TITLE


def format_when(moment: datetime) -> str:
    """Almere local time the Dutch way: "za 28 nov 14:00"."""
    local = moment.astimezone(TZ)
    day, month = DAYS_SHORT[local.weekday()], MONTHS_SHORT[local.month - 1]
    return f"{day} {local.day} {month} {local:%H:%M}"


def signal_title(
    types: list[str], place: str | None, event_time: datetime | None, kind: str | None = None
) -> str:
    """A short neutral Dutch title from type, place and time only: never an author or a quote.
    A partner's report that the classifier gave no label is titled as what it is."""
    main = next((t for t in TYPE_TITLES if t in types), None)
    plain = "Melding partner" if kind == KIND_MELDING else "Signaal"
    head = TYPE_TITLES.get(main, plain) if main else plain
    if main == CALL and "threat" in types:
        head += " met dreiging"
    details = [part for part in (place, format_when(event_time) if event_time else None) if part]
    return f"{head} – {', '.join(details)}" if details else head
