"""Issue 13, fact 4: a register entry's status is a closed set of Dutch values, enforced in the
database (CHECK constraint, migration 0004), the form, the CSV import and the API; only an active
notification makes a gathering "aangemeld". Each test fails on the code before the fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from detect_support import NOW, SATURDAY_14, MakePost
from pydantic import ValidationError
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nlp.vocabulary import REGISTER_STATUSES
from signals.briefing import Week
from signals.briefing.data import collect
from signals.db.models import RegisterEntry, Signal
from signals.db.session import alembic_config, make_engine
from signals.detection.lifecycle import detect
from signals.register.fields import RegisterError
from signals.services import Actor
from signals.services import register as register_service
from signals.web.schemas import RegisterEntryIn

HEADER = "reference,organiser_ref,place,start,end,status,description\n"


def _entry(session: Session, **overrides: object) -> RegisterEntry:
    fields: dict[str, object] = {
        "reference": "WOM-2026-0420",
        "place": "Stadhuisplein",
        "start_at": SATURDAY_14 - timedelta(minutes=30),
        "end_at": SATURDAY_14 + timedelta(hours=2),
        **overrides,
    }
    return register_service.create_entry(session, Actor("supervisor1", "supervisor"), **fields)


def test_the_statuses_are_dutch_and_closed() -> None:
    assert REGISTER_STATUSES == ("aangemeld", "bevestigd", "ingetrokken", "geannuleerd")


def test_create_refuses_a_status_outside_the_set(session: Session) -> None:
    with pytest.raises(RegisterError, match="onzin"):
        _entry(session, status="onzin")
    assert session.scalar(select(RegisterEntry.id)) is None
    assert _entry(session, status=" Bevestigd ").status == "bevestigd"


def test_update_refuses_a_status_outside_the_set(session: Session) -> None:
    entry = _entry(session)
    with pytest.raises(RegisterError, match="kies uit"):
        register_service.update_entry(
            session, Actor("s", "supervisor"), entry.id, expected_version=1, status="onzin"
        )
    assert entry.status == "aangemeld"


def test_csv_import_refuses_the_whole_file(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER
        + "WOM-1,ORG,Stadhuisplein,2026-11-28 14:00,2026-11-28 16:00,bevestigd,\n"
        + "WOM-2,ORG,Esplanade,2026-11-28 14:00,2026-11-28 16:00,onzin,\n"
        + "WOM-3,ORG,Esplanade,2026-11-28 14:00,2026-11-28 16:00,withdrawn,\n",
        encoding="utf-8",
    )
    result = register_service.import_csv(session, Actor("s", "supervisor"), path)
    assert not result.ok and result.created == 0
    assert any("regel 3" in e and "onzin" in e for e in result.errors), result.errors
    assert any("regel 4" in e and "withdrawn" in e for e in result.errors), result.errors
    assert session.scalar(select(RegisterEntry.id)) is None


def test_api_schema_refuses_a_status_outside_the_set() -> None:
    base = {"reference": "WOM-1", "place": "Esplanade", "start_at": "2026-11-28T14:00:00+01:00",
            "end_at": "2026-11-28T16:00:00+01:00"}
    with pytest.raises(ValidationError):
        RegisterEntryIn.model_validate({**base, "status": "onzin"})
    assert RegisterEntryIn.model_validate(base).status == "aangemeld"


def test_database_refuses_a_status_outside_the_set(db_engine: Engine) -> None:
    with Session(db_engine) as session:
        session.add(RegisterEntry(reference="WOM-X", place="Esplanade", start_at=NOW, end_at=NOW,
                                  status="onzin", version=1))
        with pytest.raises(IntegrityError):
            session.flush()


def test_withdrawn_entry_does_not_make_a_call_aangemeld(
    session: Session, make_post: MakePost
) -> None:
    _entry(session, status="ingetrokken")
    signal_id = detect(session, [make_post("Zaterdag 14u Stadhuisplein")], now=NOW).signal_ids[0]
    signal = session.get(Signal, signal_id)
    assert signal is not None
    assert signal.notification_status == "niet aangemeld"
    assert signal.register_entry_id is None


@pytest.mark.parametrize("status", ["aangemeld", "bevestigd"])
def test_an_active_entry_makes_a_call_aangemeld(
    session: Session, make_post: MakePost, status: str
) -> None:
    _entry(session, status=status)
    signal_id = detect(session, [make_post("Zaterdag 14u Stadhuisplein")], now=NOW).signal_ids[0]
    assert session.get(Signal, signal_id).notification_status == "aangemeld"  # type: ignore[union-attr]


def test_briefing_calendar_does_not_show_a_withdrawn_entry_as_aangemeld(session: Session) -> None:
    # The demo's WOM-2026-0420 (Grote Markt), withdrawn by its organiser.
    start = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
    _entry(session, reference="WOM-2026-0420", place="Grote Markt", start_at=start,
           end_at=start + timedelta(hours=2), status="ingetrokken")
    data = collect(session, Week.parse("2026-W48"))
    rows = [(c.reference, c.notification) for c in data.calendar]
    assert ("WOM-2026-0420", "ingetrokken") in rows
    assert data.calendar_count("aangemeld") == 0
    assert data.calendar_active == []


def _at_revision(url: str, revision: str) -> None:
    command.upgrade(alembic_config(url), revision)


def test_migration_maps_the_old_values_and_adds_the_check(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _at_revision(url, "0003_post_versions")
    engine = make_engine(url)
    rows = [("A", "confirmed"), ("B", "withdrawn"), ("C", "Aangemeld"), ("D", "cancelled")]
    with engine.begin() as conn:
        for ref, status in rows:
            conn.execute(
                text("INSERT INTO register_entries (reference, organiser_ref, place, start_at, "
                     "end_at, status, description, version, updated_at) VALUES (:r, '', 'x', "
                     "'2026-11-28 13:00:00', '2026-11-28 15:00:00', :s, '', 1, "
                     "'2026-11-28 13:00:00')"),
                {"r": ref, "s": status},
            )
    _at_revision(url, "head")
    with engine.connect() as conn:
        got = dict(conn.execute(text("SELECT reference, status FROM register_entries")).all())
    assert got == {"A": "bevestigd", "B": "ingetrokken", "C": "aangemeld", "D": "geannuleerd"}
    with engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(text("UPDATE register_entries SET status = 'onzin' WHERE reference = 'A'"))
    engine.dispose()


def test_migration_refuses_a_value_only_a_person_can_read(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _at_revision(url, "0003_post_versions")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO register_entries (reference, organiser_ref, place, start_at, "
                 "end_at, status, description, version, updated_at) VALUES ('WOM-9', '', 'x', "
                 "'2026-11-28 13:00:00', '2026-11-28 15:00:00', 'onzin', '', 1, "
                 "'2026-11-28 13:00:00')")
        )
    engine.dispose()
    with pytest.raises(RuntimeError, match="WOM-9"):
        _at_revision(url, "head")
