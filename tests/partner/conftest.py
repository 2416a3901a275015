"""Fixtures for the partner reporting line: the shared web fixture stack (tests/webapp.py) with
two partner organisations with one partner account each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from signals.db.session import session_scope
from signals.services import Actor, partner_admin
from tests.factories import make_call_signal as make_signal
from tests.webapp import PASSWORD, browser_log_in, csrf_from, derived_template, login, page_csrf

__all__ = ["browser_log_in", "csrf_from", "login", "page_csrf"]

HOST = Actor("host", "admin")


@pytest.fixture(scope="session")
def template_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared template (with "Jongerenwerk Almere" and its account `partner`) plus a
    second organisation, "Politie Flevoland", with the account `partner2`."""

    def seed(session: Session) -> None:
        police = partner_admin.create_organisation(session, HOST, "Politie Flevoland", "politie")
        partner_admin.create_partner_account(session, HOST, "partner2", police.id, PASSWORD)

    return derived_template(template_db, tmp_path_factory, seed)


def next_saturday_14(now: datetime | None = None) -> datetime:
    """Saturday 14:00 Amsterdam time, at least a day ahead (what "zaterdag 14:00" resolves to)."""
    from nlp.vocabulary import TZ

    local = (now or datetime.now(UTC)).astimezone(TZ)
    days = (5 - local.weekday()) % 7 or 7
    day = (local + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, 14, 0, tzinfo=TZ)


def online_call(engine: Engine, *, place: str = "Stadhuisplein", when: datetime | None = None,
                when_text: str = "zaterdag 14:00") -> int:
    """An open online call signal at a place and time, as detection leaves it."""
    from signals.db.models import Signal

    signal_id = make_signal(engine)
    with session_scope(engine) as session:
        signal = session.get(Signal, signal_id)
        signal.place = place
        signal.event_time = when or next_saturday_14()
        signal.event_time_text = when_text
        signal.severity_breakdown = {"labels": {"call_to_gathering": 0.93}}
    return signal_id
