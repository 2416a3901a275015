"""The same detection and register behaviour on PostgreSQL, the production database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from detect_support import NOW, SATURDAY_14
from sqlalchemy import Engine
from test_detect_clustering import VARIANTS

from signals import clustering
from signals.db.models import Signal
from signals.db.session import session_factory
from signals.detection.lifecycle import detect
from signals.services import Actor
from signals.services import register as register_service
from tests import factories
from tests.factories import make_enriched_post

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
    return make_enriched_post(
        session,
        post={"text": text, "source_id": source, "url": f"https://pg.example/{n}",
              "key": f"pg{n}", "fetched_at": NOW, "published_at": None, "author": None,
              "enriched": False},
        labels={"call_to_gathering": {"p": 0.9, "flag": True}},
        places=[factories.place(place)],
        event_time=when,
    )


def test_clustering_and_register_on_postgres(pg_engine: Engine) -> None:
    with session_factory(pg_engine)() as session:
        entry = register_service.create_entry(
            session,
            Actor("sup", "supervisor"),
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
