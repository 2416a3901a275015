"""Retention with a frozen clock: each class is kept until its limit and gone after it, in both
the system of record and the FTS index; the purge is idempotent and audited without content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from privacy_world import T0, days
from pydantic import ValidationError
from sqlalchemy import func, select

from signals import audit, audit_hash
from signals.db.models import AuditEvent, Decision, Post, Signal
from signals.retention import RetentionPolicy, destroy_keys, load_policy, purge

POLICY = RetentionPolicy(batch_size=2)  # tiny batches so batching itself is exercised
EPS = timedelta(minutes=1)


def _exists(world, model, ident) -> bool:
    world.session.expire_all()
    return world.session.get(model, ident) is not None


def _run(world, now, **kw):
    report = purge(world.session, world.backend, POLICY, now, pseudonymizer=world.pseudo, **kw)
    world.session.commit()
    return report


def test_defaults_come_from_config_and_match_the_issue():
    policy = load_policy()
    assert (
        policy.unsignalled_posts_days,
        policy.dismissed_days,
        policy.monitoring_days,
        policy.escalated_default_days,
    ) == (7, 28, 90, 365)
    assert policy.audit_days >= 183


def test_audit_retention_below_six_months_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="183"):
        RetentionPolicy(audit_days=182)
    path = tmp_path / "r.yml"
    path.write_text("audit_days: 30\n")
    with pytest.raises(ValidationError):
        load_policy(path)
    path.write_text("unsignalled_posts_days: 3\naudit_days: 200\n")
    assert load_policy(path).unsignalled_posts_days == 3


@pytest.mark.parametrize(
    ("status", "limit_days"),
    [("dismissed", 28), ("monitoring", 90), ("new", 90), ("escalated", 365), ("closed", 365)],
)
def test_signal_class_kept_until_limit_then_gone_with_its_posts(world, status, limit_days):
    pid = world.post(at=T0)
    sid = world.signal([pid], status=status, last_activity=T0)
    before = _run(world, T0 + days(limit_days) - EPS)
    assert sid not in before.all_signal_ids
    assert _exists(world, Signal, sid) and _exists(world, Post, pid)
    assert world.in_index("signals", sid) and world.in_index("posts", pid)

    after = _run(world, T0 + days(limit_days) + EPS)
    assert sid in after.all_signal_ids and pid in after.post_ids
    assert not _exists(world, Signal, sid) and not _exists(world, Post, pid)
    assert not world.in_index("signals", sid) and not world.in_index("posts", pid)


def test_unsignalled_post_kept_seven_days(world):
    pid = world.post(at=T0)
    _run(world, T0 + days(7) - EPS)
    assert _exists(world, Post, pid) and world.in_index("posts", pid)
    _run(world, T0 + days(7) + EPS)
    assert not _exists(world, Post, pid) and not world.in_index("posts", pid)


def test_escalated_case_follows_its_own_retain_until(world):
    pid = world.post(at=T0)
    until = T0 + days(900)
    sid = world.signal([pid], status="escalated", last_activity=T0, retain_until=until)
    _run(world, T0 + days(400))  # past the 1-year default, but the case says otherwise
    assert _exists(world, Signal, sid) and world.in_index("signals", sid)
    _run(world, until + EPS)
    assert not _exists(world, Signal, sid) and not world.in_index("signals", sid)
    assert not _exists(world, Post, pid)


def test_monitoring_clock_restarts_with_activity(world):
    pid = world.post(at=T0)
    sid = world.signal([pid], status="monitoring", last_activity=T0 + days(60))
    _run(world, T0 + days(100))
    assert _exists(world, Signal, sid)
    _run(world, T0 + days(151))
    assert not _exists(world, Signal, sid)


def test_post_shared_with_a_surviving_signal_is_kept(world):
    shared = world.post(at=T0)
    own = world.post(at=T0)
    dismissed = world.signal([shared, own], status="dismissed", last_activity=T0)
    escalated = world.signal([shared], status="escalated", last_activity=T0)
    _run(world, T0 + days(30))
    assert not _exists(world, Signal, dismissed) and not _exists(world, Post, own)
    assert _exists(world, Signal, escalated) and _exists(world, Post, shared)
    assert world.in_index("posts", shared) and not world.in_index("posts", own)


def test_decisions_cascade_and_purge_is_idempotent_and_audited(world):
    pids = [world.post(at=T0) for _ in range(5)]
    sid = world.signal(pids[:2], status="dismissed", last_activity=T0)
    world.session.add(
        Decision(signal_id=sid, from_status="new", to_status="dismissed", actor="a", rationale="x")
    )
    world.session.commit()
    first = _run(world, T0 + days(40))
    assert sorted(first.post_ids) == sorted(pids) and first.all_signal_ids == [sid]
    assert world.session.scalar(select(func.count()).select_from(Decision)) == 0
    second = _run(world, T0 + days(40))
    assert second.post_ids == [] and second.all_signal_ids == []

    events = world.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention.purge").order_by(AuditEvent.id)
    ).all()
    assert len(events) == 2  # one per run
    details = events[0].details
    assert details["counts"]["posts"] == 5 and sorted(details["post_ids"]) == sorted(pids)
    # Counts and ids only: no titles, texts, urls or pseudonyms in the event.
    blob = repr(details)
    assert "Bericht" not in blob and "example.org" not in blob and "ps_" not in blob
    assert audit.verify(world.session).ok


def test_dry_run_changes_nothing(world):
    pid = world.post(at=T0)
    report = _run(world, T0 + days(8), dry_run=True)
    assert report.post_ids == [pid] and report.dry_run
    assert _exists(world, Post, pid) and world.in_index("posts", pid)
    assert world.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_audit_events_kept_at_least_their_limit_and_chain_still_verifies(world):
    old = audit.record(world.session, actor="x", action="old")
    old.ts = T0
    old.hash = audit_hash.compute_hash(old.prev_hash, old)
    world.session.commit()
    # Re-chain the next event onto the edited one, as if both were written at T0 and later.
    newer = audit.record(world.session, actor="x", action="newer")
    world.session.commit()
    now_kept = T0 + days(729)
    report = _run(world, now_kept)
    assert report.audit_events == 0 and _exists(world, AuditEvent, old.id)
    report = _run(world, T0 + days(731))
    assert report.audit_events == 1 and report.audit_anchor_hash == old.hash
    assert not _exists(world, AuditEvent, old.id) and _exists(world, AuditEvent, newer.id)
    assert audit.verify(world.session).ok


def test_expired_period_key_is_shredded_once_its_posts_are_gone(world):
    march = world.post(at=T0)
    april = T0 + days(35)
    kept = world.post(at=april)
    world.session.commit()
    assert set(world.pseudo.periods()) == {"2026-03", "2026-04"}
    report = _run(world, T0 + days(40))  # march post is gone; march ended > 7 days ago
    assert march in report.post_ids and report.keys_destroyed == ["2026-03"]
    destroy_keys(world.pseudo, report.keys_destroyed)
    assert world.pseudo.periods() == ["2026-04"]
    assert _exists(world, Post, kept)
    # The leftover data of March cannot be linked to a handle any more.
    assert world.pseudo.pseudonym("@jan_almere", "src-a", T0, create=False) is None
