"""ISO weeks in Europe/Amsterdam, the unit of the driehoek briefing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from nlp.vocabulary import TZ

AMSTERDAM = TZ
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, slots=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        match = _WEEK.match(text.strip())
        if not match:
            raise ValueError(f"week must look like 2026-W48, not {text!r}")
        year, number = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a week of {year}") from exc
        return cls(year, number)

    @classmethod
    def containing(cls, moment: datetime) -> Week:
        iso = moment.astimezone(AMSTERDAM).isocalendar()
        return cls(iso.year, iso.week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> datetime:
        """Monday 00:00 Amsterdam time, as UTC."""
        return datetime.combine(self.monday, datetime.min.time(), AMSTERDAM).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return Week.containing(self.start + timedelta(days=7, hours=12)).start

    def shift(self, weeks: int) -> Week:
        return Week.containing(self.start + timedelta(weeks=weeks, hours=12))

    def __str__(self) -> str:
        return self.label


def previous_week(now: datetime | None = None) -> Week:
    return Week.containing(now or datetime.now(UTC)).shift(-1)
