"""The register of notified manifestations: import, edit, match, and its effect on signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from detect_support import NOW, SATURDAY_14, MakePost
from sqlalchemy import select
from sqlalchemy.orm import Session

from signals.db.models import AuditEvent, RegisterEntry, Signal
from signals.detection.lifecycle import detect, refresh_signals
from signals.register import entries
from signals.register.fields import RegisterError, StaleEntryError
from signals.register.matching import match
from signals.register.places import same_place
from signals.services import Actor
from signals.services import register as register_service

HEADER = "reference,organiser_ref,place,start,end,status,description\n"


def _csv(tmp_path: Path, body: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _entry(session: Session, **overrides) -> RegisterEntry:
    fields = {
        "reference": "WOM-2026-101",
        "organiser_ref": "ORG-7",
        "place": "Stadhuisplein",
        "start_at": SATURDAY_14 - timedelta(minutes=30),
        "end_at": SATURDAY_14 + timedelta(hours=2),
        **overrides,
    }
    return register_service.create_entry(session, Actor("supervisor1", "supervisor"), **fields)


def test_import_csv_creates_entries_in_local_time(session: Session, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "WOM-1,ORG-1,Stadhuisplein,2026-11-28 14:00,2026-11-28 16:00,aangemeld,Demonstratie\n"
        'WOM-2,ORG-2,"Esplanade, Almere",2026-11-29T10:00+01:00,2026-11-29T12:00+01:00,,\n',
    )
    result = register_service.import_csv(session, Actor("supervisor1", "supervisor"), path)
    assert result.ok and (result.created, result.updated) == (2, 0)
    one = session.scalars(select(RegisterEntry).where(RegisterEntry.reference == "WOM-1")).one()
    # 14:00 in Almere in November is 13:00 UTC.
    assert one.start_at == datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    assert one.place_canonical == "Stadhuisplein"
    two = session.scalars(select(RegisterEntry).where(RegisterEntry.reference == "WOM-2")).one()
    assert two.place_canonical == "Esplanade"
    assert two.status == "aangemeld"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "register.import")).one()
    assert event.actor == "supervisor1"
    assert event.details["created"] == 2
    assert "Demonstratie" not in str(event.details)


def test_import_csv_again_updates_by_reference(session: Session, tmp_path: Path) -> None:
    row = "WOM-1,ORG-1,Stadhuisplein,2026-11-28 14:00,2026-11-28 16:00,aangemeld,\n"
    register_service.import_csv(session, Actor("s", "supervisor"), _csv(tmp_path, row))
    changed = row.replace("16:00", "17:00")
    result = register_service.import_csv(
        session, Actor("s", "supervisor"), _csv(tmp_path, changed, "b.csv")
    )
    assert (result.created, result.updated) == (0, 1)
    entry = session.scalars(select(RegisterEntry)).one()
    assert entry.version == 2


def test_import_csv_reports_every_bad_row_and_writes_nothing(
    session: Session, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "WOM-1,ORG-1,Stadhuisplein,2026-11-28 14:00,2026-11-28 16:00,aangemeld,\n"
        "WOM-2,ORG-2,,2026-11-28 14:00,2026-11-28 16:00,aangemeld,\n"
        "WOM-3,ORG-3,Esplanade,morgen,2026-11-28 16:00,aangemeld,\n"
        "WOM-4,ORG-4,Esplanade,2026-11-28 18:00,2026-11-28 16:00,aangemeld,\n"
        "WOM-1,ORG-1,Esplanade,2026-11-28 14:00,2026-11-28 16:00,aangemeld,\n",
    )
    result = register_service.import_csv(session, Actor("s", "supervisor"), path)
    assert not result.ok
    assert result.created == 0
    text = "\n".join(result.errors)
    assert "regel 3" in text and "place" in text
    assert "regel 4" in text and "start" in text and "morgen" in text
    assert "regel 5" in text and "end ligt voor start" in text
    assert "regel 6" in text and "regel 2" in text  # duplicate reference points at its twin
    assert "regel 2:" not in text  # the first row itself is fine
    assert session.scalars(select(RegisterEntry)).all() == []


def test_import_csv_missing_columns(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("reference,place\nWOM-1,Stadhuisplein\n", encoding="utf-8")
    result = register_service.import_csv(session, Actor("s", "supervisor"), path)
    assert result.errors and "start" in result.errors[0] and "regel 1" in result.errors[0]


def test_update_entry_optimistic_concurrency(session: Session) -> None:
    entry = _entry(session)
    register_service.update_entry(
        session, Actor("a", "supervisor"), entry.id, expected_version=1, status="Bevestigd"
    )
    assert (entry.version, entry.status) == (2, "bevestigd")
    with pytest.raises(StaleEntryError, match="gewijzigd"):
        register_service.update_entry(
            session, Actor("b", "supervisor"), entry.id, expected_version=1, place="Esplanade"
        )
    assert entry.place == "Stadhuisplein"
    register_service.update_entry(
        session, Actor("b", "supervisor"), entry.id, expected_version=2, place="Esplanade"
    )
    assert (entry.version, entry.place_canonical) == (3, "Esplanade")
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "register_entry")
    ).all()
    assert actions == ["register.create", "register.update", "register.update"]


def test_create_entry_rejects_end_before_start(session: Session) -> None:
    with pytest.raises(RegisterError):
        _entry(session, end_at=SATURDAY_14 - timedelta(hours=3))


def test_match_inside_and_outside_the_window(session: Session) -> None:
    entry = _entry(session)
    margin = timedelta(hours=1)
    assert match(session, "Stadhuisplein", SATURDAY_14, margin=margin) == entry
    # Within the margin before the start and after the end.
    early = entry.start_at - timedelta(minutes=50)
    late = entry.end_at + timedelta(minutes=50)
    assert match(session, "Stadhuisplein", early, margin=margin) == entry
    assert match(session, "Stadhuisplein", late, margin=margin) == entry
    # Outside it.
    assert match(session, "Stadhuisplein", early - timedelta(hours=1), margin=margin) is None
    assert match(session, "Stadhuisplein", late + timedelta(hours=1), margin=margin) is None
    assert match(session, "Stadhuisplein", SATURDAY_14 + timedelta(days=1)) is None
    # Another place, or no place/time at all.
    assert match(session, "Esplanade", SATURDAY_14) is None
    assert match(session, None, SATURDAY_14) is None
    assert match(session, "Stadhuisplein", None) is None


def test_margin_is_configurable(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _entry(session)
    probe = entry.end_at + timedelta(minutes=90)
    monkeypatch.setenv("SIGNALS_REGISTER_MARGIN_MIN", "60")
    assert match(session, "Stadhuisplein", probe) is None
    monkeypatch.setenv("SIGNALS_REGISTER_MARGIN_MIN", "120")
    assert match(session, "Stadhuisplein", probe) == entry


def test_match_tolerates_misspelled_places(session: Session) -> None:
    # Misspelled in the register (typed by hand) ...
    typo_entry = _entry(session, reference="WOM-1", place="Stadhuisplijn")
    assert match(session, "Stadhuisplein", SATURDAY_14) == typo_entry
    # ... or in the call, on the other side.
    other = _entry(
        session,
        reference="WOM-2",
        place="Esplanade",
        start_at=SATURDAY_14 + timedelta(days=1),
        end_at=SATURDAY_14 + timedelta(days=1, hours=2),
    )
    assert match(session, "Esplanad", SATURDAY_14 + timedelta(days=1)) == other
    assert match(session, "Kruidenwijk", SATURDAY_14 + timedelta(days=1)) is None


def test_withdrawn_entries_do_not_match(session: Session) -> None:
    _entry(session, status="ingetrokken")
    assert match(session, "Stadhuisplein", SATURDAY_14) is None


def test_detect_marks_calls_aangemeld_or_niet_aangemeld(
    session: Session, make_post: MakePost
) -> None:
    entry = _entry(session)
    announced = make_post("Demonstratie zaterdag 14:00 Stadhuisplein, aangemeld bij de gemeente")
    unannounced = make_post(
        "Zondag iedereen naar de Esplanade, we laten ons niet wegsturen",
        place="Esplanade",
        event_time=SATURDAY_14 + timedelta(days=1),
    )
    result = detect(session, [announced, unannounced], now=NOW)
    by_place = {
        session.get(Signal, sid).place: session.get(Signal, sid) for sid in result.signal_ids
    }
    assert by_place["Stadhuisplein"].notification_status == "aangemeld"
    assert by_place["Stadhuisplein"].register_entry_id == entry.id
    assert by_place["Esplanade"].notification_status == "niet aangemeld"
    assert by_place["Esplanade"].register_entry_id is None
    assert by_place["Esplanade"].severity > by_place["Stadhuisplein"].severity
    for signal in by_place.values():
        assert "illegaal" not in (signal.title + str(signal.severity_breakdown)).lower()


def test_register_change_rematches_open_calls(session: Session, make_post: MakePost) -> None:
    pid = make_post("Zaterdag 14:00 naar het Stadhuisplein, we pikken het niet langer")
    signal = session.get(Signal, detect(session, [pid], now=NOW).new_signal_ids[0])
    assert signal.notification_status == "niet aangemeld"
    version = signal.version

    entry = _entry(session)  # the organiser notifies after the call went round
    session.refresh(signal)
    assert signal.notification_status == "aangemeld"
    assert signal.register_entry_id == entry.id
    assert signal.version > version

    # Moving the entry a week later unlinks the call again.
    register_service.update_entry(
        session,
        Actor("supervisor1", "supervisor"),
        entry.id,
        expected_version=entry.version,
        start_at=entry.start_at + timedelta(days=7),
        end_at=entry.end_at + timedelta(days=7),
    )
    session.refresh(signal)
    assert signal.notification_status == "niet aangemeld"
    assert signal.register_entry_id is None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "register.update")).one()
    assert event.details["signals_rematched"] == 1


def test_demo_style_statuses(session: Session, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "WOM-1,ORG-1,Grote Markt,2026-11-28T14:00:00+01:00,2026-11-28T16:00:00+01:00,"
        "ingetrokken,Stille tocht\n",
    )
    # The demo's register now uses the closed Dutch set (issue 13); "withdrawn" is refused.
    assert register_service.import_csv(session, Actor("s", "supervisor"), path).ok
    assert match(session, "Grote Markt", SATURDAY_14) is None


def test_same_place_rules() -> None:
    assert same_place("Stationsplein", "Stationsplein Almere")
    assert same_place("Stadhuisplein", "stadhuis-plein")
    assert same_place("Kruidenwijk", "Kruidewijk")
    assert not same_place("Almere Stad", "Almere Haven")
    assert not same_place("Esplanade", "Stadhuisplein")
    assert not same_place(None, "Esplanade")


def test_a_register_change_names_the_calls_it_affects_and_the_caller_rescores_them(
    session: Session, make_post: MakePost
) -> None:
    # The register does not import detection (issue 17: no cycle): a change returns the open
    # calls it may affect, and re-scoring them is the caller's step.
    pid = make_post("Zaterdag 14:00 naar het Stadhuisplein, we pikken het niet langer")
    signal = session.get(Signal, detect(session, [pid], now=NOW).new_signal_ids[0])
    elsewhere = make_post(
        "Zondag iedereen naar de Esplanade", place="Esplanade", event_time=SATURDAY_14
    )
    other = session.get(Signal, detect(session, [elsewhere], now=NOW).new_signal_ids[0])
    change = entries.create_entry(
        session,
        reference="WOM-2026-7",
        place="Stadhuisplein",
        start_at=SATURDAY_14 - timedelta(minutes=30),
        end_at=SATURDAY_14 + timedelta(hours=2),
    )
    # Both calls fall in the entry's window; only the one at the entry's place will match.
    assert sorted(change.affected_signal_ids) == sorted([signal.id, other.id])
    session.refresh(signal)
    assert signal.notification_status == "niet aangemeld"  # not re-scored by the register
    assert not session.scalars(
        select(AuditEvent).where(AuditEvent.action == "register.create")
    ).all()
    assert refresh_signals(session, change.affected_signal_ids, now=NOW) == [signal.id]
    assert signal.notification_status == "aangemeld"
    assert signal.register_entry_id == change.entry.id
    assert other.notification_status == "niet aangemeld"
