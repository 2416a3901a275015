"""Interventions through the web app and API: suggestions, choice, four eyes, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from signals.actor import Actor
from signals.auth import create_user
from signals.config import get_settings
from signals.db.models import AuditEvent, ChosenIntervention, Decision
from signals.db.session import get_engine, session_scope
from signals.protocol import activate
from signals.web.app import create_app
from tests.factories import make_signal
from tests.webapp import PASSWORD, csrf_from, login, page_csrf

V1 = Path(__file__).resolve().parents[2] / "config" / "protocol" / "v1.yml"


@pytest.fixture
def setup(signals_env):
    settings = get_settings()
    engine = get_engine(settings.database_url)
    with session_scope(engine) as session:
        for name, role in (
            ("ana", "analyst"),
            ("sup1", "supervisor"),
            ("sup2", "supervisor"),
            ("aud", "auditor"),
        ):
            create_user(session, name, PASSWORD, role)
        activate(session, V1, actor=Actor("sup1", "supervisor"))
        signal_id = make_signal(
            session, types=["call_to_gathering", "threat"], status="in_review", severity=0.9,
            title="Oproep",
        ).id
    return settings, engine, signal_id


def _client(settings, username: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(settings))
    response = login(client, username)
    assert response.status_code in (302, 303), response.text
    return client, page_csrf(client, "/protocol")


def _escalate(client: TestClient, token: str, signal_id: int, version: int = 1) -> None:
    page = client.get(f"/signalen/{signal_id}")
    assert page.status_code == 200
    response = client.post(
        f"/signalen/{signal_id}/besluit",
        data={
            "to_status": "escalated",
            "version": version,
            "rationale": "Grote kans op ongeregeldheden",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_escalation_records_version_and_suggests_interventions(setup):
    settings, engine, signal_id = setup
    client, token = _client(settings, "ana")
    _escalate(client, token, signal_id)
    with session_scope(engine) as session:
        decision = session.scalars(select(Decision).where(Decision.to_status == "escalated")).one()
        assert decision.protocol_version == "v1"
    api = client.get(f"/api/signals/{signal_id}/interventions").json()
    by_id = {s["id"]: s for s in api["suggestions"]}
    assert api["protocol_version"] == "v1"
    assert by_id["noodbevel"]["selectable"] and by_id["noodbevel"]["legal_basis"]
    assert by_id["noodbevel"]["reason"] and by_id["noodbevel"]["rank"] >= 1
    assert not by_id["online-gebiedsverbod"]["selectable"]
    assert not by_id["verwijderbevel"]["selectable"]
    page = client.get(f"/signalen/{signal_id}/interventies")
    assert "Online gebiedsverbod" in page.text and "niet beschikbaar" in page.text
    assert 'value="online-gebiedsverbod" id="iv-online-gebiedsverbod" disabled' in page.text


def test_unavailable_power_cannot_be_chosen_through_the_api(setup):
    settings, engine, signal_id = setup
    client, token = _client(settings, "ana")
    _escalate(client, token, signal_id)
    for blocked in ("online-gebiedsverbod", "verwijderbevel", "bestaat-niet"):
        response = client.post(
            f"/api/signals/{signal_id}/interventions",
            json={"interventions": [{"id": blocked, "proportionality_note": "x"}]},
            headers={"X-CSRF-Token": token},
        )
        assert response.status_code == 409, blocked
        assert response.json()["detail"]
    with session_scope(engine) as session:
        assert session.scalars(select(ChosenIntervention)).all() == []


def test_four_eyes_through_the_api(setup):
    settings, engine, signal_id = setup
    sup1, token1 = _client(settings, "sup1")
    _escalate(sup1, token1, signal_id)
    response = sup1.post(
        f"/api/signals/{signal_id}/interventions",
        json={
            "interventions": [
                {
                    "id": "noodbevel",
                    "proportionality_note": "ernstige vrees",
                    "conditions_met": [0, 1],
                }
            ]
        },
        headers={"X-CSRF-Token": token1},
    )
    assert response.status_code == 201, response.text
    chosen = response.json()["chosen"][0]
    assert chosen["approval_status"] == "pending"
    own = sup1.post(
        f"/api/interventions/{chosen['id']}/approval",
        json={"approve": True},
        headers={"X-CSRF-Token": token1},
    )
    assert own.status_code == 409 and "Vier ogen" in own.json()["detail"]
    ana, ana_token = _client(settings, "ana")
    assert (
        ana.post(
            f"/api/interventions/{chosen['id']}/approval",
            json={"approve": True},
            headers={"X-CSRF-Token": ana_token},
        ).status_code
        == 403
    )
    sup2, token2 = _client(settings, "sup2")
    approved = sup2.post(
        f"/api/interventions/{chosen['id']}/approval",
        json={"approve": True, "note": "akkoord"},
        headers={"X-CSRF-Token": token2},
    )
    assert approved.status_code == 200 and approved.json()["approval_status"] == "approved"
    with session_scope(engine) as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert {"intervention.propose", "intervention.approve"} <= set(actions)


def test_auditor_cannot_see_interventions_and_csrf_is_required(setup):
    settings, _, signal_id = setup
    aud, _ = _client(settings, "aud")
    assert aud.get(f"/api/signals/{signal_id}/interventions").status_code == 403
    ana, _ = _client(settings, "ana")
    response = ana.post(
        f"/api/signals/{signal_id}/interventions",
        json={"interventions": [{"id": "monitoren", "proportionality_note": "x"}]},
    )
    assert response.status_code == 403
