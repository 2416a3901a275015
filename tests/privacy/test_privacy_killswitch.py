"""The kill switch: with automated tagging off, posts are still collected and stored, nothing is
tagged, and analysts can still review and decide by hand. Turning it off is audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collectors.models import RawPost
from signals.actor import Actor
from signals.config import get_settings
from signals.db.models import AuditEvent, Enrichment, Post, Signal
from signals.db.session import get_engine
from signals.intake import store_raw_posts
from signals.pipeline import process_in_session
from signals.privacy.pseudonym import Pseudonymizer
from signals.switches import autotag_enabled, set_autotag
from signals.triage import DecisionRequest, decide
from tests.factories import make_signal

CALL = "Zaterdag 14:00 allemaal naar het Stadhuisplein in Almere, laat je horen! Kom massaal."


def _collect(session: Session, n: int = 3) -> list[int]:
    raws = [
        RawPost(
            source_id="src",
            url=f"https://example.org/k/{i}",
            title=f"Oproep {i}",
            text=f"{CALL} ({i})",
            published_at=datetime(2026, 11, 20, tzinfo=UTC),
        )
        for i in range(n)
    ]
    settings = get_settings()
    result = store_raw_posts(session, raws, Pseudonymizer(settings.pseudonym_key_dir))
    session.flush()
    return result.new_post_ids


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("how", ["env", "admin-toggle"])
def test_with_autotag_off_posts_are_collected_not_tagged_and_review_goes_on(
    signals_env, monkeypatch, how
):
    engine = get_engine()
    settings = get_settings()
    with Session(engine) as session:
        if how == "env":
            monkeypatch.setenv("SIGNALS_AUTOTAG", "off")
            settings = get_settings()
        else:
            set_autotag(session, False, actor=Actor("beheer", "admin"), reason="incident")
            session.commit()
        assert not autotag_enabled(session)
        post_ids = _collect(session)
        outcome = process_in_session(session, post_ids, settings, alert=False)
        session.commit()
        assert len(post_ids) == 3 and _count(session, Post) == 3  # collection goes on
        assert _count(session, Enrichment) == 0 and outcome.flagged_post_ids == []
        assert all(not p.enriched for p in session.scalars(select(Post)))
        assert _count(session, Signal) == 0

        # Manual review: an analyst opens a case by hand and decides on it.
        signal = make_signal(session, title="handmatig", post_ids=post_ids[:1])
        ana = Actor("ana", "analyst")
        decide(session, DecisionRequest(signal.id, "in_review", 1), actor=ana)
        reviewed = DecisionRequest(signal.id, "monitoring", 2, rationale="handmatig beoordeeld")
        decide(session, reviewed, actor=ana)
        session.commit()
        assert session.get(Signal, signal.id).status == "monitoring"
        if how == "admin-toggle":
            actions = session.scalars(select(AuditEvent.action)).all()
            assert "autotag.off" in actions


def test_switching_back_on_tags_what_was_left(signals_env):
    engine = get_engine()
    with Session(engine) as session:
        set_autotag(session, False, actor=Actor("beheer", "admin"), reason="test")
        post_ids = _collect(session, 2)
        process_in_session(session, post_ids, get_settings(), alert=False)
        assert _count(session, Enrichment) == 0
        set_autotag(session, True, actor=Actor("beheer", "admin"), reason="klaar")
        process_in_session(session, post_ids, get_settings(), alert=False)
        session.commit()
        assert _count(session, Enrichment) == 2
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[:2] == ["autotag.off", "autotag.on"]
