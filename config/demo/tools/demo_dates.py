"""Dates in the demo: how its pages write them, and how the whole demo moves by whole weeks so
that it reads as this week's posts (signals/demo.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from demo_item import Item

_MONTHS_FULL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                "september", "oktober", "november", "december")
_MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                 "dec")
_MONTH_OF = {**{m: i + 1 for i, m in enumerate(_MONTHS_FULL)},
             **{m: i + 1 for i, m in enumerate(_MONTHS_SHORT)}}
_NAMED_DATE = re.compile(
    r"\b(?P<d>[0-3]?\d) (?P<m>" + "|".join(sorted(_MONTH_OF, key=len, reverse=True))
    + r")\b(?P<y> 20\d\d)?", re.IGNORECASE)
_NUMERIC_DATE = re.compile(
    r"(?<![\d/-])(?P<d>[0-3]?\d)(?P<sep>[/-])(?P<m>1[0-2]|0?[1-9])(?![\d/-])")
# The demo's texts speak of November and December 2026.
_BASE_YEAR = 2026


def human_date(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS_FULL[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def _moved(day: int, month: int, weeks: int) -> date | None:
    try:
        return date(_BASE_YEAR, month, day) + timedelta(weeks=weeks)
    except ValueError:
        return None


def shift_text(text: str, weeks: int) -> str:
    """Move the dates written in a text ("28 november", "27 nov", "21/11", "27-11") by whole
    weeks; weekdays, clock times and everything else stay as written."""
    if not weeks:
        return text

    def named(m: re.Match[str]) -> str:
        moved = _moved(int(m["d"]), _MONTH_OF[m["m"].lower()], weeks)
        if moved is None:
            return m[0]
        names = _MONTHS_FULL if m["m"].lower() in _MONTHS_FULL else _MONTHS_SHORT
        month = names[moved.month - 1]
        if m["m"][:1].isupper():
            month = month.upper() if m["m"].isupper() else month.capitalize()
        return f"{moved.day} {month}" + (f" {moved.year}" if m["y"] else "")

    def numeric(m: re.Match[str]) -> str:
        moved = _moved(int(m["d"]), int(m["m"]), weeks)
        if moved is None:
            return m[0]
        width = 2 if m["m"].startswith("0") else 1
        return f"{moved.day}{m['sep']}{moved.month:0{width}d}"

    return _NUMERIC_DATE.sub(numeric, _NAMED_DATE.sub(named, text))


def shifted(item: Item, weeks: int) -> Item:
    if not weeks:
        return item
    return replace(
        item,
        title=shift_text(item.title, weeks),
        text=shift_text(item.text, weeks),
        paragraphs=tuple(shift_text(p, weeks) for p in item.paragraphs),
        when=shift_text(item.when, weeks),
        published=item.published + timedelta(weeks=weeks),
    )
