"""Issue 15, finding 2: role grants and four eyes by person. A second admin grants an elevated
role; interventions and reveals are approved by another person, not another name; the users page
decides pending grants; a role change ends the account's sessions. SQLite here; PostgreSQL where
the database matters."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from signals import alerts, auth
from signals.actor import Actor
from signals.config import Settings
from signals.db.models import (
    AuditEvent,
    ChosenIntervention,
    RevealRequest,
    SignalPost,
)
from signals.db.session import session_scope
from signals.db.types import utcnow
from signals.web.app import create_app
from tests.factories import make_decision

from .conftest import (
    PASSWORD,
    Env,
    audit_events,
    client_at,
    csrf_after_login,
    csrf_from,
    login,
    make_signal,
)


def _admin_api(client: TestClient, token: str, method: str, path: str, body: Any = None):
    return client.request(method, path, json=body, headers={"X-CSRF-Token": token})


def test_creating_a_supervisor_needs_a_second_admin(any_env, monkeypatch):
    sent: list[dict[str, str]] = []

    def deliver(_settings: Settings, msg: dict[str, str]) -> list[alerts.AlertOutcome]:
        sent.append(msg)
        return [alerts.AlertOutcome(0, "webhook", True)]

    monkeypatch.setattr(alerts, "deliver_admin_alert", deliver)
    app = create_app(any_env.settings)
    with client_at(app) as admin, client_at(app) as admin2, client_at(app) as newbie:
        token = csrf_after_login(admin, "admin")
        created = _admin_api(
            admin,
            token,
            "POST",
            "/api/users",
            {"username": "sup9", "role": "supervisor", "password": "sup9-password"},
        )
        assert created.status_code == 201, created.text
        assert created.json()["active"] is False
        assert created.json()["pending_role"] == "supervisor"
        assert login(newbie, "sup9", "sup9-password").status_code == 401
        # The requester cannot approve, nor re-enable the account around the approval.
        own = _admin_api(admin, token, "POST", "/api/users/sup9/role-grant", {"approve": True})
        assert own.status_code == 409
        enable = _admin_api(admin, token, "PATCH", "/api/users/sup9", {"active": True})
        assert enable.status_code == 409
        token2 = csrf_after_login(admin2, "admin2")
        ok = _admin_api(admin2, token2, "POST", "/api/users/sup9/role-grant", {"approve": True})
        assert ok.status_code == 200, ok.text
        assert ok.json()["active"] is True and ok.json()["role"] == "supervisor"
        assert login(newbie, "sup9", "sup9-password").status_code == 303
    assert len(sent) >= 2 and all("sup9" in m["body"] for m in sent)
    assert [e.action for e in audit_events(any_env.engine, "alert.role_change")]


def test_elevating_an_account_needs_a_second_admin(any_env, monkeypatch):
    monkeypatch.setattr(alerts, "deliver_admin_alert", lambda s, msg: [])
    app = create_app(any_env.settings)
    with client_at(app) as admin:
        token = csrf_after_login(admin, "admin")
        patched = _admin_api(admin, token, "PATCH", "/api/users/analyst", {"role": "supervisor"})
        assert patched.status_code == 200
        assert patched.json()["role"] == "analyst"
        assert patched.json()["pending_role"] == "supervisor"
        # Lowering a role needs nobody else (it is still alerted and audited).
        low = _admin_api(admin, token, "PATCH", "/api/users/supervisor", {"role": "analyst"})
        assert low.json()["role"] == "analyst"
    with client_at(app) as admin2:
        token2 = csrf_after_login(admin2, "admin2")
        ok = _admin_api(admin2, token2, "POST", "/api/users/analyst/role-grant", {"approve": True})
        assert ok.json()["role"] == "supervisor" and ok.json()["pending_role"] is None


def test_role_change_is_alerted_over_the_configured_channels(env, monkeypatch):
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(alerts, "_send_email", lambda s, msg: calls.append(("email", msg)))
    monkeypatch.setattr(alerts, "_post_json", lambda s, payload: calls.append(("hook", payload)))
    settings = dataclasses.replace(
        env.settings,
        smtp_host="smtp.invalid",
        smtp_to=("fg@almere.nl",),
        webhook_url="https://hook.invalid/x",
    )
    with session_scope(env.engine) as session:
        auth.set_role(session, "analyst", "auditor", actor=Actor("cli", ""), settings=settings)
    assert {c[0] for c in calls} == {"email", "hook"}
    assert "analyst" in calls[0][1]["body"] and "auditor" in calls[0][1]["body"]


def test_role_changes_are_listed_on_the_audit_page(env, monkeypatch):
    monkeypatch.setattr(alerts, "deliver_admin_alert", lambda s, msg: [])
    with session_scope(env.engine) as session:
        auth.set_role(session, "analyst2", "auditor", actor=Actor("cli", ""))
        for i in range(120):  # push it off the first page of the plain log
            session.add(
                AuditEvent(
                    ts=utcnow(),
                    actor="x",
                    action="noise",
                    details={},
                    prev_hash=str(i),
                    hash=f"h{i}",
                )
            )
    app = create_app(env.settings)
    with client_at(app) as client:
        csrf_after_login(client, "auditor")
        page = client.get("/audit").text
    assert "Rolwijzigingen" in page
    section = page.split("Rolwijzigingen", 1)[1]
    assert "analyst2" in section and "auditor" in section


def _choose_own_password(session: Session, username: str) -> None:
    """The user sets a password of their own ("<username>-own-pass")."""
    user_id = auth.get_user(session, username).id
    auth.set_password(session, username, f"{username}-own-pass", actor=Actor(username, "", user_id))


def _web_supervisors(env: Env) -> None:
    """admin creates sup-a and sup-b with passwords it chose; admin2 approves both."""
    with session_scope(env.engine) as session:
        admin = auth.get_user(session, "admin")
        admin2 = auth.get_user(session, "admin2")
        for name in ("sup-a", "sup-b"):
            auth.create_user(
                session,
                name,
                PASSWORD,
                "supervisor",
                actor=Actor("admin", "admin", admin.id),
            )
            second = Actor("admin2", "admin", admin2.id)
            auth.decide_role_grant(session, name, approve=True, actor=second)


def test_four_eyes_compares_persons_not_names(any_env, monkeypatch):
    monkeypatch.setattr(alerts, "deliver_admin_alert", lambda s, msg: [])
    _web_supervisors(any_env)
    with session_scope(any_env.engine) as session:
        # The admin that chose both passwords is behind both accounts.
        assert auth.four_eyes_conflict(session, "sup-a", "sup-b")
        assert auth.four_eyes_conflict(session, "sup-a", "SUP-A")
        assert auth.four_eyes_conflict(session, "supervisor", "sup-b") is None
        # An account created (directly or down the chain) by the requester never approves.
        admin = auth.get_user(session, "admin")
        auth.create_user(session, "admin3", PASSWORD, "admin", actor=Actor("admin", "", admin.id))
        auth.decide_role_grant(
            session,
            "admin3",
            approve=True,
            actor=Actor("admin2", "", auth.get_user(session, "admin2").id),
        )
        _choose_own_password(session, "admin3")
        admin3 = auth.get_user(session, "admin3")
        by_admin3 = Actor("admin3", "", admin3.id)
        auth.create_user(session, "sup-c", PASSWORD, "analyst", actor=by_admin3)
        _choose_own_password(session, "sup-c")
        assert auth.four_eyes_conflict(session, "admin", "sup-c")
        assert auth.four_eyes_conflict(session, "sup-c", "admin")
        # Once sup-b chose its own password, admin no longer holds both accounts; being
        # created by the same admin is not, by itself, a conflict.
        _choose_own_password(session, "sup-b")
        assert auth.four_eyes_conflict(session, "sup-a", "sup-b") is None


def test_intervention_and_reveal_approvals_refuse_the_same_person(any_env, monkeypatch):
    monkeypatch.setattr(alerts, "deliver_admin_alert", lambda s, msg: [])
    _web_supervisors(any_env)
    from signals.privacy.access import PrivacyError
    from signals.privacy.reveal import decide_reveal
    from signals.protocol.service import ProtocolActionError, decide_intervention

    signal_id = make_signal(any_env.engine, status="escalated")
    with session_scope(any_env.engine) as session:
        decision = make_decision(session, signal_id, "escalated", from_status="new", actor="sup-a")
        chosen = ChosenIntervention(
            decision_id=decision.id,
            signal_id=signal_id,
            intervention_id="x",
            protocol_version="v",
            proposed_by="sup-a",
            approval_status="pending",
            approver_role="supervisor",
        )
        post_id = session.scalar(
            select(SignalPost.post_id).where(SignalPost.signal_id == signal_id).limit(1)
        )
        reveal = RevealRequest(
            signal_id=signal_id,
            post_id=post_id,
            requested_by="sup-a",
            legal_ground="Gemeentewet art. 172 lid 3",
        )
        session.add_all([chosen, reveal])
        session.flush()
        chosen_id, reveal_id = chosen.id, reveal.id
    with session_scope(any_env.engine) as session, pytest.raises(ProtocolActionError):
        decide_intervention(
            session, chosen_id, approve=True, actor=Actor("sup-b", "supervisor")
        )
    with session_scope(any_env.engine) as session, pytest.raises(PrivacyError):
        decide_reveal(session, reveal_id, actor="sup-b", approve=True)
    with session_scope(any_env.engine) as session:
        row = decide_intervention(
            session, chosen_id, approve=True, actor=Actor("supervisor", "supervisor")
        )
        assert row.approval_status == "approved"



def test_users_page_shows_and_decides_pending_grants(env, monkeypatch):
    monkeypatch.setattr(alerts, "deliver_admin_alert", lambda s, msg: [])
    with session_scope(env.engine) as session:
        auth.create_user(session, "admin2", PASSWORD, "admin")
    app = create_app(env.settings)
    with client_at(app) as admin, client_at(app) as admin2:
        csrf_after_login(admin, "admin")
        token = csrf_from(admin.get("/gebruikers").text)
        page = admin.post(
            "/gebruikers", data={"username": "sup7", "role": "supervisor", "csrf_token": token}
        )
        assert "Wacht op een tweede beheerder" in page.text
        refused = admin.post(
            "/gebruikers/sup7", data={"op": "approve", "csrf_token": token}, follow_redirects=False
        )
        assert refused.status_code == 409
        csrf_after_login(admin2, "admin2")
        token2 = csrf_from(admin2.get("/gebruikers").text)
        done = admin2.post(
            "/gebruikers/sup7", data={"op": "approve", "csrf_token": token2}, follow_redirects=False
        )
        assert done.status_code == 303
    with session_scope(env.engine) as session:
        user = auth.get_user(session, "sup7")
        assert user.active and user.role == "supervisor"


def test_role_change_and_disabling_end_sessions(any_env, monkeypatch):
    monkeypatch.setattr(alerts, "deliver_admin_alert", lambda s, msg: [])
    app = create_app(any_env.settings)
    with client_at(app) as analyst, client_at(app) as auditor:
        csrf_after_login(analyst, "analyst")
        csrf_after_login(auditor, "auditor")
        with session_scope(any_env.engine) as session:
            auth.set_role(session, "analyst", "auditor", actor=Actor("cli", ""))
            auth.set_active(session, "auditor", False, actor=Actor("cli", ""))
            auth.set_active(session, "auditor", True, actor=Actor("cli", ""))
        assert analyst.get("/api/me").status_code == 401
        assert auditor.get("/api/me").status_code == 401

