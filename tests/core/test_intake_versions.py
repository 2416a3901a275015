"""Issue 16 item 5: an edited item is stored as a new version of the first, and detection
puts the new version in the signal of the earlier one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collectors.models import RawPost
from signals import clustering
from signals.db.models import Post, Signal, SignalPost
from signals.intake import store_raw_posts
from signals.privacy.pseudonym import Pseudonymizer
from tests.factories import make_enrichment

CALL_LABEL = "call_to_gathering"
PUBLISHED = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)
CALL = "Zaterdag 14:00 allemaal naar het Stadhuisplein in Almere, laat je horen tegen het azc!"
EDITED = "Zaterdag 20:00 allemaal naar het Stadhuisplein in Almere, laat je horen tegen het azc!"


# One forum post; a test changes what it is about (its text, the time it was fetched, ...).
POST = RawPost(source_id="forum-a", url="https://forum.example/t/oproep-1?utm_source=rss",
               title="", text="", external_id="oproep-1", author="@organisator",
               published_at=PUBLISHED, language="nl")


def _raw(text: str, **overrides: object) -> RawPost:
    return replace(POST, text=text, **overrides)  # type: ignore[arg-type]


def test_edited_text_is_a_new_version_linked_to_the_first(db_engine: Engine, tmp_path: Path):
    pseudo = Pseudonymizer(tmp_path / "keys")
    with Session(db_engine) as session:
        first = store_raw_posts(session, [_raw(CALL)], pseudo)
        second = store_raw_posts(session, [_raw(EDITED)], pseudo)
        third = store_raw_posts(session, [_raw(EDITED + " Neem vlaggen mee.")], pseudo)
        session.commit()

        assert len(first.new_post_ids) == 1 and first.new_versions == 0
        assert len(second.new_post_ids) == 1 and second.duplicates == 0
        assert second.new_versions == 1 and len(third.new_post_ids) == 1
        posts = session.scalars(select(Post).order_by(Post.id)).all()
        assert [(p.version, p.version_of_id) for p in posts] == [
            (1, None),
            (2, posts[0].id),
            (3, posts[0].id),  # every version points at the first
        ]
        assert {p.canonical_url for p in posts} == {"https://forum.example/t/oproep-1"}
        assert all(not p.enriched for p in posts)  # each version is enriched and detected


def test_what_is_not_an_edit_stays_a_duplicate(db_engine: Engine, tmp_path: Path):
    pseudo = Pseudonymizer(tmp_path / "keys")
    with Session(db_engine) as session:
        store_raw_posts(session, [_raw(CALL)], pseudo)
        store_raw_posts(session, [_raw(EDITED)], pseudo)
        again = store_raw_posts(
            session,
            [
                _raw(EDITED),  # the same edit delivered again
                _raw(CALL),  # back to an earlier text: that version is stored already
                _raw("Ander bericht op dezelfde URL", source_id="forum-b"),  # another source
                _raw("Ander bericht, ander id", external_id="oproep-2"),  # another item
            ],
            pseudo,
        )
        session.commit()
        assert again.new_post_ids == [] and again.duplicates == 4


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    from signals.db.session import get_engine

    yield get_engine(f"sqlite:///{tmp_path}/versions.db")
    clustering.reset_index()


def _enrich(session: Session, post_id: int, event_time: datetime, words: str) -> None:
    make_enrichment(session, post_id, flags=[CALL_LABEL], event_time=event_time,
                    event_time_text=words)


def test_detection_puts_the_new_version_in_the_signal_of_the_first(
    sqlite_engine: Engine, tmp_path: Path
):
    from signals.detection.lifecycle import detect

    pseudo = Pseudonymizer(tmp_path / "keys")
    saturday_14 = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    now = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
    with Session(sqlite_engine) as session:
        [first_id] = store_raw_posts(session, [_raw(CALL, fetched_at=now)], pseudo).new_post_ids
        _enrich(session, first_id, saturday_14, "zaterdag 14:00")
        [signal_id] = detect(session, [first_id], now=now).new_signal_ids
        session.commit()

        edit = store_raw_posts(
            session, [_raw(EDITED, fetched_at=now + timedelta(minutes=20))], pseudo
        )
        [edit_id] = edit.new_post_ids
        # The author moved the gathering to 20:00: on its own, another gathering's time.
        _enrich(session, edit_id, saturday_14 + timedelta(hours=6), "zaterdag 20:00")
        result = detect(session, [edit_id], now=now + timedelta(minutes=20))
        session.commit()

        assert result.new_signal_ids == []
        assert result.signal_ids == [signal_id]
        members = set(
            session.scalars(select(SignalPost.post_id).where(SignalPost.signal_id == signal_id))
        )
        assert members == {first_id, edit_id}
        signal = session.get(Signal, signal_id)
        assert signal is not None
        assert signal.event_time == saturday_14 + timedelta(hours=6)  # the edit's time wins
        assert signal.event_time_text == "zaterdag 20:00"
