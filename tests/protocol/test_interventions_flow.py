"""Issue 13, "a protocol that helps decide", through the services and the web app: chosen
interventions cannot be chosen again, a refused form keeps what was ticked, a score never gates
a legal power (the person confirms its legal conditions), escalation from "nieuw" is one
action, the approval page shows the signal, and everything reads in Dutch."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from signals.auth import create_user
from signals.config import get_settings
from signals.db.models import AuditEvent, ChosenIntervention, Decision, Signal
from signals.db.session import get_engine, session_scope
from signals.protocol import Choice, ProtocolActionError, activate
from signals.services import Actor
from signals.services import protocol as services
from signals.triage import (
    DecisionRequest,
    DecisionValidationError,
    StaleDecisionError,
    decide,
)
from tests.factories import make_signal
from tests.webapp import PASSWORD, csrf_from, login

V1 = Path(__file__).resolve().parents[2] / "config" / "protocol" / "v1.yml"
ANA = Actor("ana", "analyst")
SUP2 = Actor("sup2", "supervisor")
# 28 November 2026, 14:00 in Amsterdam is 13:00 UTC.
EVENT = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)


@pytest.fixture
def setup(signals_env):
    settings = get_settings()
    engine = get_engine(settings.database_url)
    with session_scope(engine) as session:
        for name, role in (("ana", "analyst"), ("sup1", "supervisor"), ("sup2", "supervisor")):
            create_user(session, name, PASSWORD, role)
        activate(session, V1, actor=Actor("sup1", "supervisor"))
        signal_id = make_signal(
            session,
            severity=0.55,
            title="Oproep: zaterdag samenkomen op de Esplanade",
            place="Esplanade",
            district="Almere Haven",
            in_almere=True,
            event_time=EVENT,
            notification_status="niet aangemeld",
        ).id
    return settings, engine, signal_id


def _escalate(engine, signal_id: int, actor: str = "ana") -> None:
    with session_scope(engine) as session:
        decide(
            session,
            DecisionRequest(
                signal_id, "escalated", 1, rationale="Oproep met groot bereik, niet aangemeld"
            ),
            actor=Actor(actor, "analyst"),
            protocol_version="v1",
        )


def _client(settings, username: str) -> TestClient:
    client = TestClient(create_app(settings))
    response = login(client, username)
    assert response.status_code in (302, 303), response.text
    return client


def create_app(settings):
    from signals.web.app import create_app as make

    return make(settings)


# --- point 5: escalation from "nieuw" is one action ----------------------------------------------


def test_escalating_a_new_signal_records_two_audited_steps_in_one_call(setup):
    _settings, engine, signal_id = setup
    _escalate(engine, signal_id)
    with session_scope(engine) as session:
        signal = session.get(Signal, signal_id)
        assert (signal.status, signal.version) == ("escalated", 3)
        steps = [(d.from_status, d.to_status, d.rationale) for d in signal.decisions]
        assert steps == [
            ("new", "in_review", ""),
            ("in_review", "escalated", "Oproep met groot bereik, niet aangemeld"),
        ]
        audits = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "signal.decide").order_by(AuditEvent.id)
        ).all()
        assert [(a.details["from"], a.details["to"]) for a in audits] == [
            ("new", "in_review"),
            ("in_review", "escalated"),
        ]
        assert audits[0].details["one_action_to"] == "escalated"
        assert all(a.details["protocol_version"] == "v1" for a in audits)


def _escalate_as_ana(session, signal_id: int, rationale: str, expected_version: int) -> None:
    request = DecisionRequest(signal_id, "escalated", expected_version, rationale=rationale)
    decide(session, request, actor=Actor("ana", "analyst"))


def test_a_refused_escalation_from_new_stores_neither_step(setup):
    _settings, engine, signal_id = setup
    with pytest.raises(DecisionValidationError), session_scope(engine) as session:
        _escalate_as_ana(session, signal_id, " ", 1)
    with pytest.raises(StaleDecisionError), session_scope(engine) as session:
        _escalate_as_ana(session, signal_id, "te laat", 2)
    with session_scope(engine) as session:
        signal = session.get(Signal, signal_id)
        assert (signal.status, signal.version, signal.decisions) == ("new", 1, [])


def test_the_signal_page_offers_escalation_on_a_new_signal(setup):
    settings, engine, signal_id = setup
    client = _client(settings, "ana")
    page = client.get(f"/signalen/{signal_id}")
    assert 'name="to_status" value="escalated"' in page.text
    response = client.post(
        f"/signalen/{signal_id}/besluit",
        data={
            "to_status": "escalated",
            "version": "1",
            "rationale": "Direct opschalen",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    with session_scope(engine) as session:
        decisions = session.scalars(
            select(Decision).where(Decision.signal_id == signal_id).order_by(Decision.id)
        ).all()
        assert [d.to_status for d in decisions] == ["in_review", "escalated"]
        assert decisions[-1].protocol_version == "v1"


# --- points 2 and 4: chosen once; legal conditions, not the score ---------------------------------


def test_noodbevel_below_080_is_recordable_when_its_conditions_are_confirmed(setup):
    _settings, engine, signal_id = setup
    _escalate(engine, signal_id)
    with session_scope(engine) as session:
        page = services.interventions_page(session, ANA, signal_id, now=EVENT - timedelta(days=2))
        by_id = {r.intervention.id: r for r in page.ranked}
        assert by_id["noodbevel"].selectable and by_id["noodverordening"].selectable
        with pytest.raises(ProtocolActionError, match="voorwaarde"):
            services.propose(
                session, ANA, signal_id, [Choice("noodbevel", "ernstige vrees", frozenset({0}))]
            )
    with session_scope(engine) as session:
        rows = services.propose(
            session,
            ANA,
            signal_id,
            [Choice("noodbevel", "ernstige vrees, gesprek mislukt", frozenset({0, 1}))],
        )
        assert rows[0].approval_status == "pending"
    with session_scope(engine) as session:
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "intervention.propose")
        )
        assert event.details["conditions_met"]["noodbevel"] == [
            "Ernstige wanordelijkheden of ernstige vrees voor het ontstaan daarvan",
            "Zo kort mogelijk en evenredig (vgl. Haarlem januari 2021)",
        ]


def test_a_chosen_intervention_cannot_be_chosen_again_until_rejected(setup):
    _settings, engine, signal_id = setup
    _escalate(engine, signal_id)
    with session_scope(engine) as session:
        services.propose(session, ANA, signal_id, [Choice("tegenbericht", "feitelijk weerspreken")])
    with pytest.raises(ProtocolActionError, match="al gekozen"), session_scope(engine) as session:
        services.propose(session, ANA, signal_id, [Choice("tegenbericht", "nog eens")])
    with pytest.raises(ProtocolActionError, match="twee keer"), session_scope(engine) as session:
        services.propose(
            session,
            ANA,
            signal_id,
            [Choice("gesprek-stadhuis", "a"), Choice("gesprek-stadhuis", "b")],
        )
    with session_scope(engine) as session:
        row = session.scalars(select(ChosenIntervention)).one()
        services.decide_approval(session, SUP2, row.id, approve=False, note="eerst gesprek")
    with session_scope(engine) as session:  # rejected: a new weighing may propose it again
        services.propose(session, ANA, signal_id, [Choice("tegenbericht", "nu wel nodig")])
    with session_scope(engine) as session:
        statuses = session.scalars(
            select(ChosenIntervention.approval_status).order_by(ChosenIntervention.id)
        ).all()
        assert statuses == ["rejected", "pending"]


def test_the_page_shows_chosen_ones_as_chosen_not_as_checkboxes(setup):
    settings, engine, signal_id = setup
    _escalate(engine, signal_id)
    with session_scope(engine) as session:
        services.propose(session, ANA, signal_id, [Choice("tegenbericht", "weerspreken")])
    html = _client(settings, "ana").get(f"/signalen/{signal_id}/interventies").text
    row = re.search(r'<tr[^>]*id="rij-tegenbericht".*?</tr>', html, re.S).group(0)
    assert 'name="intervention"' not in row
    assert "gekozen" in row and "wacht op goedkeuring door een supervisor" in row
    other = re.search(r'<tr[^>]*id="rij-gesprek-stadhuis".*?</tr>', html, re.S).group(0)
    assert 'name="intervention" value="gesprek-stadhuis"' in other


# --- point 3: a refused form keeps what was ticked and typed -------------------------------------


def test_a_refused_form_keeps_ticks_and_text(setup):
    settings, engine, signal_id = setup
    _escalate(engine, signal_id)
    client = _client(settings, "ana")
    page = client.get(f"/signalen/{signal_id}/interventies")
    response = client.post(
        f"/signalen/{signal_id}/interventies",
        data={
            "csrf_token": csrf_from(page.text),
            "intervention": ["noodbevel", "gesprek-initiatiefnemer"],
            "note_noodbevel": "Ernstige vrees na eerdere rellen",
            "cond_noodbevel": ["0"],  # the second condition is not ticked
            "note_gesprek-initiatiefnemer": "Initiatiefnemer is bekend",
            "cond_gesprek-initiatiefnemer": ["0"],
        },
    )
    assert response.status_code == 409
    html = response.text
    assert "Noodbevel" in html and "nog niet aangevinkt" in html
    assert 'value="noodbevel" id="iv-noodbevel" checked' in html
    assert 'value="gesprek-initiatiefnemer" id="iv-gesprek-initiatiefnemer" checked' in html
    assert ">Ernstige vrees na eerdere rellen</textarea>" in html
    assert ">Initiatiefnemer is bekend</textarea>" in html
    assert 'name="cond_noodbevel" value="0" checked' in html
    assert 'name="cond_noodbevel" value="1">' in html
    with session_scope(engine) as session:
        assert session.scalars(select(ChosenIntervention)).all() == []


# --- points 6 and 7: the approval page, Dutch everywhere -----------------------------------------


def test_the_approval_page_shows_the_signal_and_names(setup):
    settings, engine, signal_id = setup
    _escalate(engine, signal_id)
    with session_scope(engine) as session:
        services.propose(
            session,
            ANA,
            signal_id,
            [Choice("noodverordening", "ernstige vrees", frozenset({0, 1}))],
        )
    html = _client(settings, "sup2").get("/interventies").text
    assert "Oproep: zaterdag samenkomen op de Esplanade" in html
    assert "Esplanade (Almere Haven)" in html
    assert "28-11-2026 14:00" in html  # Amsterdam time, not 13:00 UTC
    assert "0,55" in html
    assert "Noodverordening" in html and "Gemeentewet art. 176" in html
    assert "Raad bekrachtigt zo spoedig mogelijk" in html
    assert ">noodverordening<" not in html and "pending" not in html


def test_decision_history_and_interventions_page_are_dutch(setup):
    settings, engine, signal_id = setup
    _escalate(engine, signal_id)
    with session_scope(engine) as session:
        rows = services.propose(session, ANA, signal_id, [Choice("tegenbericht", "weerspreken")])
        services.decide_approval(session, SUP2, rows[0].id, approve=True, note="akkoord")
    client = _client(settings, "ana")
    signal_page = client.get(f"/signalen/{signal_id}").text
    history = signal_page[signal_page.index('id="historie"') :]
    assert "Interventie Publiek tegenbericht (goedgekeurd door sup2)" in history
    for english in ("(approved)", "Interventie tegenbericht", "pending", "not_required"):
        assert english not in history
    page = client.get(f"/signalen/{signal_id}/interventies").text
    for raw in ("approved", "pending", "established", "not_required", "escalated<"):
        assert raw not in page, raw
    assert "goedgekeurd door sup2" in page


def test_a_weighing_without_its_tick_is_refused_not_dropped(setup):
    """A forgotten tick must not silently lose a typed weighing."""
    _settings, engine, signal_id = setup
    _escalate(engine, signal_id)
    refused = pytest.raises(ProtocolActionError, match="Noodbevel.*niet aan")
    with refused, session_scope(engine) as session:
        services.propose(
            session,
            ANA,
            signal_id,
            [Choice("monitoren", "volgen", frozenset({0}))],
            filled_not_chosen=["noodbevel"],
        )
    with session_scope(engine) as session:
        assert session.scalars(select(ChosenIntervention)).all() == []
