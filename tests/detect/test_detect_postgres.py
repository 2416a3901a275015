"""The same detection and register behaviour on PostgreSQL, the production database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from detect_support import NOW, SATURDAY_14
from sqlalchemy import Engine
from test_detect_clustering import VARIANTS

from signals import clustering, register
from signals.db.models import Enrichment, Post, Signal
from signals.db.session import session_factory
from signals.detect import detect

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    from signals.db.models import Base
    from signals.db.session import make_engine, migrate

    engine = make_engine(postgres_url)
    migrate(engine)
    clustering.reset_index()
    yield engine
    clustering.reset_index()
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def _post(session, n: int, text: str, *, source: str, place: str, when) -> int:
    post = Post(
        source_id=source,
        url=f"https://pg.example/{n}",
        canonical_url=f"https://pg.example/{n}",
        content_hash=f"pg{n}",
        text=text,
        fetched_at=NOW,
    )
    session.add(post)
    session.flush()
    session.add(
        Enrichment(
            post_id=post.id,
            model_version="t",
            labels={"call_to_gathering": {"p": 0.9, "flag": True}},
            flags=["call_to_gathering"],
            places=[
                {"text": place, "canonical": place, "district": "Almere Stad", "in_almere": True}
            ],
            in_almere=True,
            event_time=when,
            event_time_text="zaterdag 14:00",
        )
    )
    session.flush()
    return post.id


def test_clustering_and_register_on_postgres(pg_engine: Engine) -> None:
    with session_factory(pg_engine)() as session:
        entry = register.create_entry(
            session,
            actor="sup",
            reference="WOM-PG-1",
            place="Stadhuisplijn",
            start_at=SATURDAY_14,
            end_at=SATURDAY_14 + timedelta(hours=2),
        )
        ids = [
            _post(session, i, text, source=f"s{i % 4}", place="Stadhuisplein", when=SATURDAY_14)
            for i, text in enumerate(VARIANTS)
        ]
        other = _post(
            session,
            99,
            "Zondag 15:00 iedereen naar de Esplanade, we laten ons niet wegsturen door de gemeente",
            source="s9",
            place="Esplanade",
            when=SATURDAY_14 + timedelta(days=1, hours=1),
        )
        result = detect(session, [*ids[:10], other], now=NOW)
        session.commit()
        assert len(result.new_signal_ids) == 2
        grown = detect(session, ids[10:], now=NOW)
        session.commit()
        assert grown.new_signal_ids == []
        signal = session.get(Signal, grown.grown_signal_ids[0])
        assert (signal.post_count, signal.source_count) == (20, 4)
        assert signal.notification_status == "aangemeld"
        assert signal.register_entry_id == entry.id
        esplanade = next(
            session.get(Signal, sid) for sid in result.new_signal_ids if sid != signal.id
        )
        assert esplanade.notification_status == "niet aangemeld"
