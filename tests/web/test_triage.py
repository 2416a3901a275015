"""Decisions (state machine, optimistic concurrency), label corrections, and their audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from signals.actor import Actor
from signals.db.models import AuditEvent, Decision, LabelCorrection, Signal, SignalPost
from signals.db.session import session_scope
from signals.triage import (
    TRANSITIONS,
    DecisionRequest,
    DecisionValidationError,
    InvalidTransitionError,
    StaleDecisionError,
    decide,
)
from tests.webapp import api_headers, post_api_decision, post_decision_form, post_label_form

from .conftest import login, make_signal, page_csrf


def _decide(env, sid, to_status, version, rationale="omdat", reason_code=None):
    with session_scope(env.engine) as session:
        request = DecisionRequest(sid, to_status, version, rationale, reason_code)
        return decide(session, request, actor=Actor("analyst", "analyst"))


def test_transitions_follow_the_design(env):
    sid = make_signal(env.engine)
    _decide(env, sid, "in_review", 1, rationale="")  # no rationale needed for in_review
    _decide(env, sid, "monitoring", 2)
    _decide(env, sid, "escalated", 3)
    _decide(env, sid, "closed", 4)
    with session_scope(env.engine) as session:
        signal = session.get(Signal, sid)
        assert (signal.status, signal.version) == ("closed", 5)
        history = [(d.from_status, d.to_status) for d in signal.decisions]
        assert history == [
            ("new", "in_review"),
            ("in_review", "monitoring"),
            ("monitoring", "escalated"),
            ("escalated", "closed"),
        ]


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ([], "monitoring"),  # new -> escalated is a shortcut (issue 13); monitoring is not
        ([], "dismissed"),
        (["in_review", "dismissed"], "in_review"),
        (["in_review", "escalated"], "dismissed"),
        (["in_review"], "closed"),
        (["in_review", "monitoring"], "in_review"),
    ],
)
def test_invalid_transitions_are_refused(env, path, bad):
    sid = make_signal(env.engine)
    version = 1
    for step in path:
        _decide(env, sid, step, version, reason_code="other" if step == "dismissed" else None)
        version += 1
    assert bad not in TRANSITIONS[path[-1] if path else "new"]
    with pytest.raises(InvalidTransitionError) as info:
        _decide(env, sid, bad, version, reason_code="other")
    assert "geen toegestane stap" in str(info.value)


def test_rationale_and_reason_are_required(env):
    sid = make_signal(env.engine)
    _decide(env, sid, "in_review", 1, rationale="")
    with pytest.raises(DecisionValidationError, match="toelichting is verplicht"):
        _decide(env, sid, "escalated", 2, rationale="  ")
    with pytest.raises(DecisionValidationError, match="reden"):
        _decide(env, sid, "dismissed", 2, rationale="nieuws")
    _decide(env, sid, "dismissed", 2, rationale="nieuwsbericht", reason_code="news_report")


def test_stale_decision_is_refused_in_the_ui(client, env):
    sid = make_signal(env.engine)
    login(client, "analyst")
    token = page_csrf(client, f"/signalen/{sid}")
    # Two analysts opened the page at version 1; the first one decides.
    first = post_decision_form(client, sid, token, "in_review", 1, follow_redirects=False)
    assert first.status_code == 303
    second = post_decision_form(client, sid, token, "in_review", 1, rationale="ik kijk ernaar")
    assert second.status_code == 409
    assert "intussen door iemand anders gewijzigd" in second.text
    with session_scope(env.engine) as session:
        assert len(session.scalars(select(Decision).where(Decision.signal_id == sid)).all()) == 1
        refused = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "signal.decide.refused")
        )
        assert refused.details["stale"] is True


def test_stale_decision_is_refused_in_the_api_and_directly(client, env):
    sid = make_signal(env.engine)
    headers = api_headers(client, "analyst")
    ok = post_api_decision(client, sid, headers, to_status="in_review", version=1)
    assert ok.status_code == 201, ok.text
    assert ok.json()["to_status"] == "in_review"
    stale = post_api_decision(
        client, sid, headers, to_status="escalated", version=1, rationale="dringend"
    )
    assert stale.status_code == 409
    assert "gewijzigd" in stale.json()["detail"]
    with pytest.raises(StaleDecisionError):
        _decide(env, sid, "escalated", 1)
    invalid = post_api_decision(client, sid, headers, to_status="closed", version=2, rationale="x")
    assert invalid.status_code == 409
    missing = post_api_decision(client, sid, headers, to_status="escalated", version=2)
    assert missing.status_code == 422
    assert isinstance(missing.json()["detail"], str)
    unknown = post_api_decision(client, 999999, headers, to_status="in_review", version=1)
    assert unknown.status_code == 404


def test_escalation_in_ui_shows_in_history_and_audit(client, env):
    sid = make_signal(env.engine)
    _decide(env, sid, "in_review", 1, rationale="")
    login(client, "analyst")
    token = page_csrf(client, f"/signalen/{sid}")
    response = post_decision_form(
        client, sid, token, "escalated", 2, rationale="Oproep met dreiging, <b>gesprek</b> nodig"
    )
    assert response.status_code == 200  # after the redirect
    assert "Besluit vastgelegd" in response.text
    assert "Oproep met dreiging, &lt;b&gt;gesprek&lt;/b&gt; nodig" in response.text
    with session_scope(env.engine) as session:
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "signal.decide",
                AuditEvent.target_id == str(sid),
                AuditEvent.details["to"].as_string() == "escalated",
            )
        )
        assert event is not None and event.actor == "analyst"


def test_label_correction_copies_text_and_is_audited(client, env):
    sid = make_signal(env.engine, text="Zaterdag allemaal naar het Stadhuisplein")
    login(client, "analyst")
    with session_scope(env.engine) as session:
        post_id = session.scalar(select(SignalPost.post_id).where(SignalPost.signal_id == sid))
    token = page_csrf(client, f"/signalen/{sid}")
    form = post_label_form(client, post_id, "threat", "0", signal_id=sid, token=token)
    assert form.status_code == 200 and "Labelcorrectie opgeslagen" in form.text
    api = client.post(
        f"/api/posts/{post_id}/labels",
        json={"label": "call_to_gathering", "value": True, "note": "klopt"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 201
    bad = client.post(
        f"/api/posts/{post_id}/labels",
        json={"label": "onzin", "value": True},
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 422
    with session_scope(env.engine) as session:
        rows = session.scalars(select(LabelCorrection).order_by(LabelCorrection.id)).all()
        assert [(r.label, r.value, r.actor) for r in rows] == [
            ("threat", False, "analyst"),
            ("call_to_gathering", True, "analyst"),
        ]
        assert "Stadhuisplein" in rows[0].text
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "label.correct")
        ).all()
        assert len(events) == 2 and all(e.target_id == str(post_id) for e in events)
