"""Shared constants and types for the detection tests (imported by name: a module called
`conftest` would be ambiguous across test folders)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
# Saturday 28 Nov 2026, 14:00 in Almere (CET, UTC+1).
SATURDAY_14 = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)

PLACES = {
    "Stadhuisplein": {"district": "Almere Stad", "in_almere": True},
    "Esplanade": {"district": "Almere Stad", "in_almere": True},
    "Kruidenwijk": {"district": "Almere Stad", "in_almere": True},
    "Dam": {"district": None, "in_almere": False},
}

MakePost = Callable[..., int]


def at(days: float = 0, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)
