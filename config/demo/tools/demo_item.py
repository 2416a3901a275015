"""One synthetic demo post (`Item`) and the labels and moments the demo's table writes them with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

AMS = ZoneInfo("Europe/Amsterdam")

CTG = "call_to_gathering"
ANTI = "anti_government"
POL = "polarising"
THREAT = "threat"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Amsterdam time (the demo window is 16-26 November)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=AMS)


@dataclass(frozen=True, slots=True)
class Item:
    source: str  # source id in sources.yml
    slug: str  # unique per source; becomes part of the permalink
    title: str
    text: str
    published: datetime
    labels: tuple[str, ...]
    in_almere: bool | None
    case: str  # what the item is an example of
    author: str | None = None
    places: tuple[str, ...] = ()
    when: str = ""
    cluster: str | None = None  # near-duplicate group
    forwarded_from: str | None = None  # Telegram forward header
    announced: bool = False  # matches an entry of register.csv
    paragraphs: tuple[str, ...] = field(default=())  # extra body paragraphs (news pages)

    @property
    def flag(self) -> bool:
        return bool(self.labels)
