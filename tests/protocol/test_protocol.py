from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from signals.actor import Actor
from signals.audit import verify
from signals.db.models import AuditEvent, Decision, Signal
from signals.protocol import (
    Choice,
    ProtocolActionError,
    ProtocolError,
    activate,
    active_version,
    choose_interventions,
    decide_intervention,
    diff_protocols,
    load_protocol_file,
    load_protocol_text,
    version_protocol,
)
from signals.protocol.ranking import Group, Situation, rank_interventions
from tests.factories import make_decision, make_signal

V1 = Path(__file__).resolve().parents[2] / "config" / "protocol" / "v1.yml"


def _v1_data() -> dict:
    return yaml.safe_load(V1.read_text())


def _write(tmp_path: Path, data: dict, name: str) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def _v2(tmp_path: Path) -> Path:
    """The removal-order law is enacted: only its status changes."""
    data = _v1_data()
    data["version"] = "v2"
    data["effective_date"] = "2027-01-01"
    data["rationale"] = "Wet online aangejaagde openbare-ordeverstoring in werking getreden."
    for item in data["interventions"]:
        if item["id"] == "verwijderbevel":
            item["legal_status"] = "established"
            item.pop("selectable")
    return _write(tmp_path, data, "v2.yml")


def test_shipped_v1_is_valid_and_marks_unusable_powers():
    protocol = load_protocol_file(V1)
    status = {i.id: i.legal_status.value for i in protocol.interventions}
    assert status["online-gebiedsverbod"] == "unavailable"
    assert status["verwijderbevel"] == "pending"
    assert status["gerichte-gegevensvergaring"] == "pending"
    assert {"noodbevel", "noodverordening", "voorschriften-manifestatie"} <= set(status)
    assert not protocol.get("online-gebiedsverbod").can_be_chosen
    wom5 = protocol.get("voorschriften-manifestatie")
    assert any("Wom 5 lid 3" in p for p in wom5.preconditions)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["interventions"][0].update(approver_role="burgemeester"), "unknown role"),
        (lambda d: d["interventions"][0].update(applies_to=["rellen"]), "unknown signal type"),
        (lambda d: d["interventions"][-1].update(selectable=True), "cannot be selectable"),
        (lambda d: d["interventions"][0].update(legal_status="maybe"), "legal_status"),
        (lambda d: d["interventions"].append(copy.deepcopy(d["interventions"][0])), "duplicate"),
        (lambda d: d.pop("rationale"), "rationale"),
        (lambda d: d["interventions"][1].update(colour="red"), "colour"),
    ],
)
def test_validation_names_the_problem(tmp_path, mutate, expected):
    data = _v1_data()
    mutate(data)
    with pytest.raises(ProtocolError) as err:
        load_protocol_file(_write(tmp_path, data, "bad.yml"))
    assert expected in str(err.value)
    assert "bad.yml" in str(err.value)


def test_broken_yaml_and_non_mapping_are_clear_errors():
    with pytest.raises(ProtocolError, match="not valid YAML"):
        load_protocol_text("version: [v1\n")
    with pytest.raises(ProtocolError, match="top level"):
        load_protocol_text("- just a list")


def test_diff_in_dutch_shows_status_change(tmp_path):
    lines = diff_protocols(load_protocol_file(V1), load_protocol_file(_v2(tmp_path)))
    text = "\n".join(lines)
    assert "Protocol v1 → v2" in text
    assert "Gewijzigd: Verwijderbevel online oproep (verwijderbevel)" in text
    assert "juridische status: wetsvoorstel (nog niet in werking) → vastgesteld" in text
    assert "Gewijzigd: Noodbevel" not in text


def _signal(session: Session, types=("call_to_gathering",), severity=0.9) -> Signal:
    return make_signal(session, types=types, status="escalated", severity=severity, title="t")


def _escalation(session: Session, signal: Signal) -> Decision:
    """The analyst's escalation of `signal` under v1, flushed."""
    return make_decision(session, signal.id, "escalated", from_status="in_review", actor="ana",
                         rationale="r", protocol_version="v1")


def test_decision_keeps_the_version_it_was_made_under(db_engine, tmp_path):
    with Session(db_engine) as session:
        activate(session, V1, actor=Actor("sup1", "supervisor"))
        signal = _signal(session)
        decision = _escalation(session, signal)
        session.commit()
        with pytest.raises(ProtocolActionError):
            choose_interventions(
                session,
                decision,
                signal,
                version_protocol(session, "v1"),
                [Choice("verwijderbevel", "noodzakelijk")],
                actor=Actor("ana", "analyst"),
            )
        session.rollback()
        activate(session, _v2(tmp_path), actor=Actor("sup1", "supervisor"))
        session.commit()
        assert active_version(session).version_id == "v2"
        old = session.get(Decision, decision.id)
        assert old.protocol_version == "v1"
        v1 = version_protocol(session, old.protocol_version)
        assert v1.get("verwijderbevel").legal_status.value == "pending"
        v2 = version_protocol(session, "v2")
        assert v2.get("verwijderbevel").can_be_chosen
        actions = session.scalars(select(AuditEvent.action)).all()
        assert actions.count("protocol.activate") == 2
        assert verify(session).ok


def test_only_supervisors_activate_and_changed_content_needs_new_version(db_engine, tmp_path):
    with Session(db_engine) as session:
        with pytest.raises(ProtocolActionError):
            activate(session, V1, actor=Actor("ana", "analyst"))
        activate(session, V1, actor=Actor("sup", "supervisor"))
        data = _v1_data()
        data["rationale"] = "Stil gewijzigd zonder nieuw versienummer!"
        with pytest.raises(ProtocolActionError, match="nieuw versienummer"):
            activate(
                session, _write(tmp_path, data, "v1b.yml"), actor=Actor("sup", "supervisor")
            )


def test_ranking_respects_type_severity_and_status_but_only_the_protocol_rules_out(db_engine):
    """Issue 13: severity below an intervention's threshold ranks it lower; it no longer makes
    it impossible to choose. Only a power that is not in force is ruled out."""
    protocol = load_protocol_file(V1)
    with Session(db_engine) as session:
        low = _signal(session, types=("polarising",), severity=0.35)
        now = datetime(2026, 12, 5, 12, tzinfo=UTC)
        by_id = {r.intervention.id: r for r in rank_interventions(protocol, Situation.of(low, now))}
        assert by_id["noodbevel"].group is Group.NOT_APPLICABLE  # not for polarising
        assert by_id["monitoren"].group is Group.FITS and by_id["monitoren"].selectable
        assert by_id["tegenbericht"].group is Group.POSSIBLE and by_id["tegenbericht"].selectable
        assert "onder de protocoldrempel 0,40" in by_id["tegenbericht"].reason
        call = _signal(session, severity=0.5)
        ranked = rank_interventions(protocol, Situation.of(call, now))
        by_id = {r.intervention.id: r for r in ranked}
        assert by_id["noodbevel"].selectable  # below 0.80: ranked lower, still a human's call
        assert not by_id["online-gebiedsverbod"].selectable


def test_four_eyes_approval(db_engine):
    protocol = load_protocol_file(V1)
    with Session(db_engine) as session:
        signal = _signal(session)
        decision = _escalation(session, signal)
        with pytest.raises(ProtocolActionError, match="proportionaliteit"):
            choose_interventions(
                session,
                decision,
                signal,
                protocol,
                [Choice("noodbevel", " ", frozenset({0, 1}))],
                actor=Actor("sup1", "supervisor"),
            )
        rows = choose_interventions(
            session,
            decision,
            signal,
            protocol,
            [
                Choice("noodbevel", "Concrete dreiging, gesprek geprobeerd", frozenset({0, 1})),
                Choice("monitoren", "volgen", frozenset({0})),
            ],
            actor=Actor("sup1", "supervisor"),
        )
        pending, free = rows
        assert pending.approval_status == "pending" and free.approval_status == "not_required"
        with pytest.raises(ProtocolActionError, match="Vier ogen"):
            decide_intervention(
                session, pending.id, approve=True, actor=Actor("sup1", "supervisor")
            )
        with pytest.raises(ProtocolActionError, match="rol supervisor"):
            decide_intervention(
                session, pending.id, approve=True, actor=Actor("ana", "analyst")
            )
        decided = decide_intervention(
            session, pending.id, approve=True, actor=Actor("sup2", "supervisor"), note="akkoord"
        )
        assert decided.approval_status == "approved" and decided.decided_by == "sup2"
        with pytest.raises(ProtocolActionError, match="al besloten"):
            decide_intervention(
                session, pending.id, approve=False, actor=Actor("sup3", "supervisor")
            )


def test_cli_validate_and_diff(tmp_path, monkeypatch):
    from signals.cli import app

    monkeypatch.setenv("SIGNALS_PROTOCOL_DIR", str(V1.parent))
    runner = CliRunner()
    ok = runner.invoke(app, ["protocol", "validate", str(V1)])
    assert ok.exit_code == 0 and "valid" in ok.output
    data = _v1_data()
    data["interventions"][0]["approver_role"] = "koning"
    bad = runner.invoke(app, ["protocol", "validate", str(_write(tmp_path, data, "x.yml"))])
    assert bad.exit_code == 1 and "unknown role" in bad.output
    shown = runner.invoke(app, ["protocol", "diff", str(V1), str(_v2(tmp_path))])
    assert shown.exit_code == 0 and "vastgesteld" in shown.output
