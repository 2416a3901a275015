"""Queue queries and triage on both supported databases (SQLite and the local PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from signals.actor import Actor
from signals.db.models import Signal
from signals.db.session import session_scope
from signals.queries import QueueFilters, queue, signal_detail
from signals.triage import DecisionRequest, StaleDecisionError, decide

from .conftest import make_signal


def test_queue_order_filters_and_pagination(db_engine):
    ids = {}
    for i, (severity, district, types) in enumerate(
        [
            (0.9, "Almere Stad", ["threat"]),
            (0.5, "Almere Haven", ["call_to_gathering"]),
            (0.7, "Almere Haven", ["call_to_gathering", "threat"]),
            (0.2, None, ["polarising"]),
        ]
    ):
        ids[severity] = make_signal(
            db_engine, severity=severity, district=district, types=types, key=f"k{i}"
        )
    with session_scope(db_engine) as session:
        decide(session, DecisionRequest(ids[0.2], "in_review", 1), actor=Actor("a", "analyst"))
        decide(
            session,
            DecisionRequest(ids[0.2], "dismissed", 2, "geen oproep", "not_relevant"),
            actor=Actor("a", "analyst"),
        )
    with session_scope(db_engine) as session:
        page = queue(session, QueueFilters())
        assert [s.id for s in page.items] == [ids[0.9], ids[0.7], ids[0.5]]
        assert page.total == 3 and page.counts["open"] == 3 and page.counts["dismissed"] == 1
        threat = queue(session, QueueFilters(type="threat"))
        assert [s.id for s in threat.items] == [ids[0.9], ids[0.7]]
        haven = queue(session, QueueFilters(district="Almere Haven"))
        assert [s.id for s in haven.items] == [ids[0.7], ids[0.5]]
        everything = queue(session, QueueFilters(status="all"))
        assert everything.total == 4
        paged = [queue(session, QueueFilters(status="all", page=p), page_size=3) for p in (1, 2)]
        assert [s.id for s in paged[0].items + paged[1].items] == [
            ids[0.9],
            ids[0.7],
            ids[0.5],
            ids[0.2],
        ]
        assert paged[1].pages == 2
        past = queue(session, QueueFilters(date_to=date(2000, 1, 1)))
        assert past.total == 0 and past.items == []
        detail = signal_detail(session, ids[0.9])
        assert detail is not None and len(detail.posts) == 1 and detail.posts[0].enrichment


def test_conditional_update_refuses_the_second_writer(db_engine):
    sid = make_signal(db_engine)
    with session_scope(db_engine) as first, session_scope(db_engine) as second:
        # The second analyst loaded the signal (version 1) before the first one decided, so
        # only the conditional UPDATE can notice the conflict.
        assert second.get(Signal, sid).version == 1
        decide(first, DecisionRequest(sid, "in_review", 1), actor=Actor("a", "analyst"))
        first.commit()
        with pytest.raises(StaleDecisionError):
            decide(second, DecisionRequest(sid, "in_review", 1), actor=Actor("b", "analyst"))
