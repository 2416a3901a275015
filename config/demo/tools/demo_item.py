"""One synthetic demo post (`Item`), as items.yml describes it; its times are Amsterdam time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

AMS = ZoneInfo("Europe/Amsterdam")


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
