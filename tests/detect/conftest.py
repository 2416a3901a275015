"""Fixtures for detection tests: a real SQLite system of record and a post factory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from detect_support import NOW, PLACES, SATURDAY_14, MakePost
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from signals import clustering
from signals.db.session import get_engine, session_scope
from tests import factories
from tests.factories import make_enriched_post


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/t.db"
    yield get_engine(url)
    clustering.reset_index()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as s:
        yield s


@pytest.fixture
def make_post(session: Session) -> MakePost:
    """Store one Post with one Enrichment and return the post id."""

    def make(
        text: str,
        *,
        source: str = "forum-a",
        flags: tuple[str, ...] = ("call_to_gathering",),
        probs: dict[str, float] | None = None,
        place: str | None = "Stadhuisplein",
        event_time: datetime | None = SATURDAY_14,
        in_almere: bool | None = None,
        fetched_at: datetime = NOW,
        author: str = "pseu_0123456789abcdef",
    ) -> int:
        places = []
        if place:
            meta = PLACES.get(place, {"district": None, "in_almere": True})
            places.append(factories.place(place, **meta))
        if in_almere is None and place:
            in_almere = PLACES.get(place, {}).get("in_almere", True)
        return make_enriched_post(
            session,
            post={"text": text, "source_id": source, "fetched_at": fetched_at, "author": author,
                  "enriched": False},
            flags=flags,
            probs=probs,
            places=places,
            in_almere=in_almere,
            event_time=event_time,
        )

    return make
