"""Issue 13, fact 5: a label correction leaves a trace. It shows on the post and in the signal's
history, it re-scores the signal (types, title, severity), and it counts in the model's feedback
figures per label. The demo case: a call to gather flagged at 94%, corrected to "not a call"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from signals.db.models import AuditEvent, LabelCorrection, Signal, SignalPost
from signals.db.session import session_scope
from signals.detection.lifecycle import detect
from signals.errors import NotAllowed
from signals.services import Actor
from signals.services.corrections import correct_label, signal_corrections
from signals.services.feedback import label_feedback
from tests.factories import label_scores, make_enriched_post
from tests.webapp import post_label_form

from .conftest import login, page_csrf

ANALYST = Actor("analyst", "analyst")


def _post(session, key: str, labels: dict[str, float], flags: list[str]) -> int:
    text = f"Zaterdag 14:00 allemaal naar het Stadhuisplein ({key}), laat je horen!"
    return make_enriched_post(
        session,
        post={"text": text, "key": key},
        flags=flags,
        labels=label_scores(flags, labels, labels=labels),
        event_time=datetime.now(UTC) + timedelta(days=2),
    )


CALL_94 = {"call_to_gathering": 0.94, "anti_government": 0.12, "polarising": 0.05, "threat": 0.3}


def _flagged_call(env, keys: tuple[str, ...] = ("a",)) -> tuple[int, list[int]]:
    """A signal made by detection itself, from posts flagged call_to_gathering at 94%."""
    with session_scope(env.engine) as session:
        post_ids = [_post(session, key, CALL_94, ["call_to_gathering"]) for key in keys]
        result = detect(session, post_ids)
        assert len(result.signal_ids) == 1
        return result.signal_ids[0], post_ids


def _signal(env, sid: int) -> dict:
    with session_scope(env.engine) as session:
        s = session.get(Signal, sid)
        return {
            "types": list(s.types),
            "title": s.title,
            "severity": s.severity,
            "notification": s.notification_status,
            "status": s.status,
            "version": s.version,
            "labels": dict(s.severity_breakdown.get("labels") or {}),
        }


def test_klopt_niet_rescores_the_signal_and_shows_on_page_and_history(client, env):
    sid, (pid,) = _flagged_call(env)
    before = _signal(env, sid)
    assert before["types"] == ["call_to_gathering"]
    assert before["title"].startswith("Oproep tot samenkomst")
    assert before["notification"] == "niet aangemeld"
    login(client, "analyst")
    token = page_csrf(client, f"/signalen/{sid}")
    response = post_label_form(client, pid, "call_to_gathering", "0", signal_id=sid, token=token)
    assert response.status_code == 200
    after = _signal(env, sid)
    # Re-scored: no type left, a neutral title, no notification question, a lower severity.
    assert after["types"] == []
    assert after["title"].startswith("Signaal") and "Oproep" not in after["title"]
    assert after["notification"] is None
    assert after["severity"] < before["severity"] - 0.2
    assert after["labels"]["call_to_gathering"] == 0.0
    assert after["labels"]["threat"] == 0.3  # the model's other figures stay
    # Kept open for a person to decide; a decision on the old page is now stale.
    assert after["status"] == "new" and after["version"] > before["version"]
    page = response.text
    assert "Labelcorrectie opgeslagen" in page
    assert f"ernst {before['severity']:.2f} → {after['severity']:.2f}" in page
    # On the post: the model's 94% stays visible, with who corrected it.
    assert "94%" in page and "door analist gecorrigeerd: geen oproep tot samenkomst" in page
    assert 'id="geen-label"' in page  # no flagged type left: said on the page
    # In the history.
    history = page.split('id="historie"', 1)[1]
    assert "Labelcorrecties" in history and "gemarkeerd 94%" in history
    assert f"{before['severity']:.2f} → {after['severity']:.2f}" in history
    with session_scope(env.engine) as session:
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "signal.rescore", AuditEvent.target_id == str(sid)
            )
        )
        assert event is not None and event.actor == "analyst"
        assert event.details["types_before"] == ["call_to_gathering"]
        assert event.details["types_after"] == []


def test_klopt_wel_on_an_unflagged_threat_adds_the_type(env):
    sid, (pid,) = _flagged_call(env)
    before = _signal(env, sid)
    with session_scope(env.engine) as session:
        outcome = correct_label(session, ANALYST, pid, "threat", True)
    after = _signal(env, sid)
    assert after["types"] == ["call_to_gathering", "threat"]
    assert "met dreiging" in after["title"]
    assert after["severity"] > before["severity"]
    assert outcome.rescored[0].severity_after == after["severity"]


def test_other_flagged_posts_keep_the_type(env):
    sid, (first, second) = _flagged_call(env, ("a", "b"))
    before = _signal(env, sid)
    with session_scope(env.engine) as session:
        correct_label(session, ANALYST, first, "call_to_gathering", False)
    after = _signal(env, sid)
    assert after["types"] == ["call_to_gathering"]  # the second post still says so
    assert after["labels"]["call_to_gathering"] == 0.94
    assert abs(after["severity"] - before["severity"]) < 0.01


def test_a_closed_signal_is_not_rescored_but_the_correction_counts(env):
    sid, (pid,) = _flagged_call(env)
    with session_scope(env.engine) as session:
        session.get(Signal, sid).status = "closed"
    before = _signal(env, sid)
    with session_scope(env.engine) as session:
        outcome = correct_label(session, ANALYST, pid, "call_to_gathering", False)
        assert outcome.rescored == ()
    assert _signal(env, sid) == before
    with session_scope(env.engine) as session:
        rows = {r.label: r for r in label_feedback(session)}
    assert rows["call_to_gathering"].false_alarms == 1


def test_the_api_correction_rescores_too(client, env):
    sid, (pid,) = _flagged_call(env)
    login(client, "analyst")
    token = page_csrf(client, f"/signalen/{sid}")
    response = client.post(
        f"/api/posts/{pid}/labels",
        json={"label": "call_to_gathering", "value": False},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201
    assert _signal(env, sid)["types"] == []
    detail = client.get(f"/api/signals/{sid}").json()
    assert detail["types"] == [] and not detail["title"].startswith("Oproep")
    assert [(c["post_id"], c["label"], c["value"]) for c in detail["label_corrections"]] == [
        (pid, "call_to_gathering", False)
    ]
    missing = client.post(
        "/api/posts/999999/labels",
        json={"label": "call_to_gathering", "value": False},
        headers={"X-CSRF-Token": token},
    )
    assert missing.status_code == 404


def test_feedback_counts_per_label_newest_judgement_once(env):
    sid, (a, b) = _flagged_call(env, ("a", "b"))
    with session_scope(env.engine) as session:
        correct_label(session, ANALYST, a, "call_to_gathering", True)
        correct_label(session, ANALYST, a, "call_to_gathering", False)  # changed mind: counts once
        correct_label(session, ANALYST, a, "threat", True)  # not flagged by the model: a miss
        correct_label(session, ANALYST, b, "call_to_gathering", True)
        correct_label(session, ANALYST, b, "polarising", False)
        rows = {r.label: r for r in label_feedback(session)}
        assert len(session.scalars(select(LabelCorrection)).all()) == 5
    call = rows["call_to_gathering"]
    assert (call.confirmed, call.false_alarms, call.missed, call.total) == (1, 1, 0, 2)
    assert (rows["threat"].missed, rows["threat"].total) == (1, 1)
    assert (rows["polarising"].rightly_unflagged, rows["polarising"].total) == (1, 1)
    assert rows["anti_government"].total == 0


def test_model_page_shows_the_feedback(client, env):
    sid, (pid,) = _flagged_call(env)
    login(client, "analyst")
    empty = client.get("/uitleg/model").text
    row = empty.split('data-label="call_to_gathering"', 1)[1].split("</tr>", 1)[0]
    assert 'class="fb-false-alarms">0<' in row
    token = page_csrf(client, f"/signalen/{sid}")
    post_label_form(client, pid, "call_to_gathering", "0", signal_id=sid, token=token)
    page = client.get("/uitleg/model").text
    row = page.split('data-label="call_to_gathering"', 1)[1].split("</tr>", 1)[0]
    assert 'class="fb-false-alarms">1<' in row and 'class="fb-total">1<' in row


def test_posts_of_a_signal_in_the_history_only_its_own(env):
    """A correction of a post elsewhere does not appear in this signal's history."""
    sid, (pid,) = _flagged_call(env)
    with session_scope(env.engine) as session:
        other = _post(session, "z", CALL_94, ["call_to_gathering"])
        correct_label(session, ANALYST, other, "call_to_gathering", False)
        assert signal_corrections(session, sid) == []
        assert session.scalar(select(SignalPost).where(SignalPost.post_id == other)) is None


def test_only_content_roles_correct_labels(env):
    sid, (pid,) = _flagged_call(env)
    with session_scope(env.engine) as session, pytest.raises(NotAllowed):
        correct_label(session, Actor("auditor", "auditor"), pid, "call_to_gathering", False)
    assert _signal(env, sid)["types"] == ["call_to_gathering"]
