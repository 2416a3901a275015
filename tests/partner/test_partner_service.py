"""The partner reporting line's services: check, submit, clustering with online signals, the
severity component, status feedback, the reporter's identity, retention and API keys."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from nlp.vocabulary import KIND_MELDING, KIND_ONLINE
from signals.db.models import AuditEvent, Signal, User
from signals.db.partner_models import PartnerReport
from signals.db.session import session_scope
from signals.errors import NotAllowed, NotFound
from signals.partner.form import ReportInput
from signals.partner.tokens import RateLimiter, token_hash
from signals.services import Actor
from signals.services import partner as reports
from signals.services import partner_admin as admin
from tests.factories import make_enriched_post

from .conftest import next_saturday_14, online_call

NOW = datetime.now(UTC)
CLEAN = ReportInput(
    what="Op school praten jongeren over een afspraak om te gaan rellen bij het stadhuis.",
    where="Stadhuisplein",
    when="zaterdag 14:00",
    knowledge="gehoord",
    urgency="hoog",
)


def _actor(session, username: str) -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    return Actor(user.username, user.role, user.id)


def _reporter(session, username: str = "partner") -> reports.Reporter:
    return reports.reporter_for(session, _actor(session, username))


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_clean_report_becomes_a_melding_signal_with_place_time_and_labels(env):
    with session_scope(env.engine) as session:
        row = reports.submit_report(session, _reporter(session), CLEAN, now=NOW)
        signal = row.signal
        assert signal.kind == KIND_MELDING
        assert signal.place == row.place == "Stadhuisplein"
        assert signal.district == "Almere Stad"
        assert row.event_time == next_saturday_14(NOW)
        assert set(row.labels) == {"call_to_gathering", "anti_government", "polarising", "threat"}
        assert row.model_version
        assert signal.severity > 0 and signal.severity_breakdown["components"]
        assert signal.post_count == 0
        assert row.number == f"M-{row.id:06d}"
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "partner.report.create")
        )
        assert event.actor == "partner" and event.target_id == str(row.id)
        assert CLEAN.what not in str(event.details)  # the audit log does not copy the text


def test_personal_data_is_refused_and_nothing_is_stored(env):
    dirty = replace(CLEAN, **{"what": CLEAN.what + " Bel Jan op 06-12345678."})
    with session_scope(env.engine) as session:
        check = reports.check_report(session, _reporter(session), dirty)
        assert check.hits and "what" in check.hits
        assert not check.ok
    with pytest.raises(reports.PersonalDataFound) as refused, session_scope(env.engine) as session:
        reports.submit_report(session, _reporter(session), dirty, now=NOW)
    assert any(h.text.replace(" ", "").endswith("12345678") for h in refused.value.hits["what"])
    with session_scope(env.engine) as session:
        assert _count(session, PartnerReport) == 0
        assert _count(session, Signal) == 0
        actions = set(session.scalars(select(AuditEvent.action)))
        # The refusal is on the record (kept through the rollback), without the text.
        assert {"partner.report.check", "partner.report.refused"} <= actions
        refused_event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "partner.report.refused"))
        assert "12345678" not in str(refused_event.details)


@pytest.mark.parametrize(
    ("field", "value"),
    [("what", "kort"), ("what", "x" * 2001), ("knowledge", "weet niet"), ("urgency", ""),
     ("where", "p" * 201)],
)
def test_invalid_reports_are_refused_per_field(env, field, value):
    bad = replace(CLEAN, **{field: value})
    with session_scope(env.engine) as session:
        with pytest.raises(reports.ReportInvalid) as refused:
            reports.submit_report(session, _reporter(session), bad, now=NOW)
        assert field in refused.value.errors


def test_a_report_at_the_place_and_time_of_an_online_call_joins_it(env):
    online = online_call(env.engine)
    with session_scope(env.engine) as session:
        before = session.get(Signal, online).severity_breakdown
        row = reports.submit_report(session, _reporter(session), CLEAN, now=NOW)
        assert row.signal_id == online and row.met_online
        signal = session.get(Signal, online)
        assert signal.kind == KIND_ONLINE  # it started online; now it holds both
        parts = {c["key"]: c for c in signal.severity_breakdown["components"]}
        assert parts["partner"]["name"] == "Bevestigd door melding partner"
        assert parts["partner"]["score"] == pytest.approx(0.10)
        assert sum(c["score"] for c in parts.values()) == pytest.approx(
            signal.severity_breakdown["total"], abs=1e-3)
        assert "partner" not in {c.get("key") for c in before.get("components", [])}


def test_a_report_elsewhere_or_at_another_time_starts_its_own_signal(env):
    online = online_call(env.engine)
    other_place = replace(CLEAN, **{"where": "Esplanade"})
    other_time = replace(CLEAN, **{"when": "zaterdag 22:00"})
    with session_scope(env.engine) as session:
        a = reports.submit_report(session, _reporter(session), other_place, now=NOW)
        b = reports.submit_report(session, _reporter(session), other_time, now=NOW)
        assert online not in {a.signal_id, b.signal_id}
        assert a.signal.kind == b.signal.kind == KIND_MELDING
        assert not a.met_online and not b.met_online


def test_two_reports_of_one_gathering_share_a_signal(env):
    with session_scope(env.engine) as session:
        first = reports.submit_report(session, _reporter(session), CLEAN, now=NOW)
        second = reports.submit_report(session, _reporter(session, "partner2"), CLEAN, now=NOW)
        assert first.signal_id == second.signal_id
        assert len(first.signal.partner_reports) == 2


def test_the_reporter_sees_only_the_status_of_their_own_reports(env):
    with session_scope(env.engine) as session:
        mine = reports.submit_report(session, _reporter(session), CLEAN, now=NOW)
        theirs = reports.submit_report(session, _reporter(session, "partner2"), CLEAN, now=NOW)
        actor = _actor(session, "partner")
        assert [r.id for r in reports.own_reports(session, actor)] == [mine.id]
        with pytest.raises(NotFound):
            reports.own_report(session, actor, theirs.id)
        signal = mine.signal
        for status, shown in [("new", "ontvangen"), ("in_review", "in behandeling"),
                              ("escalated", "in behandeling"), ("dismissed", "afgehandeld"),
                              ("closed", "afgehandeld")]:
            signal.status = status
            session.flush()
            seen = reports.own_report(session, actor, mine.id)
            assert seen.status == shown
            assert not hasattr(seen, "decisions") and not hasattr(seen, "rationale")


def test_staff_cannot_report_and_a_partner_needs_an_active_organisation(env):
    with session_scope(env.engine) as session:
        with pytest.raises(NotAllowed):
            reports.reporter_for(session, _actor(session, "analyst"))
        reporter = _reporter(session)
        reporter.organisation.active = False
        session.flush()
        with pytest.raises(NotAllowed):
            reports.reporter_for(session, _actor(session, "partner"))


def test_only_a_supervisor_sees_the_reporter_and_each_look_is_audited(env):
    with session_scope(env.engine) as session:
        row = reports.submit_report(
            session, _reporter(session), replace(CLEAN, **{"contact": "jw-almere@example.nl"}),
            now=NOW)
        with pytest.raises(NotAllowed):
            reports.reporter_identity(session, _actor(session, "analyst"), row.signal_id, row.id)
        who = reports.reporter_identity(
            session, _actor(session, "supervisor"), row.signal_id, row.id)
        assert (who.organisation, who.account, who.contact) == (
            "Jongerenwerk Almere", "partner", "jw-almere@example.nl")
        looks = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "partner.reporter.view")).all()
        assert [(e.actor, e.target_id) for e in looks] == [("supervisor", str(row.id))]
        with pytest.raises(NotFound):  # a report is only reachable through its own signal
            reports.reporter_identity(
                session, _actor(session, "supervisor"), row.signal_id + 99, row.id)


def test_retention_deletes_the_report_with_its_signal(env, monkeypatch):
    from signals.retention import load_policy, purge

    with session_scope(env.engine) as session:
        row = reports.submit_report(session, _reporter(session), CLEAN, now=NOW)
        signal = row.signal
        signal.status = "dismissed"
        signal.last_activity_at = NOW - timedelta(days=60)
    with session_scope(env.engine) as session:
        report = purge(session, None, load_policy(), now=NOW)
    assert report.counts()["partner_reports"] == 1
    with session_scope(env.engine) as session:
        assert _count(session, PartnerReport) == 0
        assert _count(session, Signal) == 0


def test_api_keys_are_hashed_shown_once_and_revocable(env):
    with session_scope(env.engine) as session:
        org = _reporter(session).organisation
        row, token = admin.create_token(session, _actor(session, "admin"), org.id, "meldsysteem")
        assert row.token_hash == token_hash(token) and token not in row.token_hash
        assert token.startswith(row.prefix)
        assert admin.reporter_for_token(session, token).organisation.id == org.id
        with pytest.raises(admin.BadToken):
            admin.reporter_for_token(session, token + "x")
        with pytest.raises(NotAllowed):
            admin.create_token(session, _actor(session, "analyst"), org.id, "")
        admin.revoke_token(session, _actor(session, "admin"), row.id)
        with pytest.raises(admin.BadToken):
            admin.reporter_for_token(session, token)


def test_the_rate_limit_counts_per_key_in_a_sliding_minute():
    limiter = RateLimiter(limit=3, window=60)
    assert [limiter.check(1, now=t) for t in (0, 1, 2)] == [None, None, None]
    assert limiter.check(1, now=3) == 57  # the first call leaves the window at 60
    assert limiter.check(2, now=3) is None  # another key has its own budget
    assert limiter.check(1, now=60.5) is None


def test_an_online_call_that_comes_later_joins_the_melding_signal(env):
    """The reverse order: the report first, then the online call at that place and time."""
    from signals.detection.lifecycle import detect

    with session_scope(env.engine) as session:
        row = reports.submit_report(session, _reporter(session), CLEAN, now=NOW)
        melding = row.signal_id
        assert row.signal.severity_breakdown["components"][-1]["score"] == 0.0
        post_id = make_enriched_post(
            session,
            post={"text": "Zaterdag 14:00 iedereen naar het Stadhuisplein!",
                  "source_id": "demo-telegram", "url": "https://t.me/s/x/1", "author": None,
                  "fetched_at": NOW},
            labels={"call_to_gathering": {"p": 0.9, "flag": True}},
            event_time=next_saturday_14(NOW), event_time_text="Zaterdag 14:00")
        result = detect(session, [post_id], now=NOW)
        assert result.signal_ids == [melding] and not result.new_signal_ids
        signal = session.get(Signal, melding)
        assert signal.kind == KIND_MELDING and signal.post_count == 1
        parts = {c["key"]: c for c in signal.severity_breakdown["components"]}
        assert parts["partner"]["score"] == pytest.approx(0.10)
