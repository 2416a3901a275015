"""Fixtures for detection tests: a real SQLite system of record and a post factory."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from detect_support import NOW, PLACES, SATURDAY_14, MakePost
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from signals import clustering
from signals.db.models import Enrichment, Post
from signals.db.session import get_engine, session_scope


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/t.db"
    yield get_engine(url)
    clustering.reset_index()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as s:
        yield s


_counter = itertools.count(1)


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
        n = next(_counter)
        post = Post(
            source_id=source,
            url=f"https://example.org/{source}/{n}",
            canonical_url=f"https://example.org/{source}/{n}",
            content_hash=f"h{n}",
            text=text,
            author_pseudonym=author,
            fetched_at=fetched_at,
            published_at=fetched_at,
        )
        session.add(post)
        session.flush()
        probs = dict(probs or {})
        labels: dict[str, Any] = {}
        for name in ("call_to_gathering", "anti_government", "polarising", "threat"):
            p = probs.get(name, 0.9 if name in flags else 0.05)
            labels[name] = {"p": p, "flag": name in flags}
        places = []
        if place:
            meta = PLACES.get(place, {"district": None, "in_almere": True})
            places.append({"text": place, "canonical": place, **meta})
        if in_almere is None and place:
            in_almere = PLACES.get(place, {}).get("in_almere", True)
        session.add(
            Enrichment(
                post_id=post.id,
                model_version="test-1",
                labels=labels,
                flags=list(flags),
                places=places,
                in_almere=in_almere,
                event_time=event_time,
                event_time_text="zaterdag 14:00" if event_time else None,
                evidence=[],
                explanations={},
            )
        )
        session.flush()
        return post.id

    return make
