"""Data-subject access and erasure by recomputed pseudonym; escrow and the four-eyes reveal."""

from __future__ import annotations

import pytest
from privacy_world import T0, days, raw_post
from sqlalchemy import select

from collectors.models import SourceConfig
from signals import audit
from signals.db.models import AuditEvent, AuthorEscrow, LabelCorrection, Post, Signal
from signals.intake import store_raw_posts
from signals.privacy import escrow, reveal, subjects
from signals.privacy.access import PrivacyError
from signals.privacy.escrow import EscrowError
from tests.factories import make_user


@pytest.fixture
def users(world):
    for name, role in [
        ("beheer", "admin"),
        ("ana", "analyst"),
        ("sup1", "supervisor"),
        ("sup2", "supervisor"),
    ]:
        make_user(world.session, name, role)
    world.session.commit()


def _actions(world) -> list[str]:
    return list(world.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_lookup_finds_every_period_and_only_that_author(world, users):
    march = world.post(at=T0, handle="@Jan_Almere")
    april = world.post(at=T0 + days(31), handle="jan_almere")  # same person, new period
    world.post(at=T0, handle="@piet")
    world.post(at=T0, handle="@jan_almere", source_id="src-b")  # other source, other pseudonym
    world.session.commit()
    found = subjects.lookup(
        world.session,
        "@jan_almere",
        "src-a",
        actor="beheer",
        reference="AVG-2026-17",
        pseudonymizer=world.pseudo,
    )
    assert [r["post_id"] for r in found] == [march, april]
    assert {r["pseudonym_period"] for r in found} == {"2026-03", "2026-04"}
    event = world.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.lookup")
    ).one()
    assert event.target_id == "AVG-2026-17" and event.details["post_ids"] == [march, april]
    assert "jan" not in repr(event.details).lower()  # the handle is never audited


def test_shredded_period_cannot_be_searched(world, users):
    world.post(at=T0, handle="@jan")
    later = world.post(at=T0 + days(31), handle="@jan")
    world.pseudo.destroy_key("2026-03")
    found = subjects.lookup(
        world.session, "@jan", "src-a", actor="beheer", reference="R1", pseudonymizer=world.pseudo
    )
    assert [r["post_id"] for r in found] == [later]


@pytest.mark.parametrize("actor", ["ana", "sup1", "nobody"])
def test_lookup_and_erase_need_the_admin_role(world, users, actor):
    world.post(at=T0)
    with pytest.raises(PrivacyError):
        subjects.lookup(
            world.session,
            "@jan_almere",
            "src-a",
            actor=actor,
            reference="R",
            pseudonymizer=world.pseudo,
        )
    with pytest.raises(PrivacyError):
        subjects.erase(
            world.session,
            world.backend,
            "@jan_almere",
            "src-a",
            actor=actor,
            reference="R",
            pseudonymizer=world.pseudo,
        )
    assert _actions(world)[-2:] == ["privacy.lookup.denied", "privacy.erase.denied"]


def test_request_reference_is_required(world, users):
    with pytest.raises(PrivacyError, match="kenmerk"):
        subjects.lookup(
            world.session, "@x", "src-a", actor="beheer", reference=" ", pseudonymizer=world.pseudo
        )


def test_erase_removes_posts_from_db_and_index_and_rewrites_signals(world, users):
    mine = world.post(at=T0, handle="@jan", text="geheimewoorden van jan")
    other = world.post(at=T0, handle="@piet", text="woorden van piet")
    alone = world.post(at=T0, handle="@jan")
    shared_signal = world.signal([mine, other], status="monitoring")
    lonely_signal = world.signal([alone], status="new")
    world.session.add(
        LabelCorrection(
            post_id=mine, text="geheimewoorden", label="threat", value=False, actor="ana"
        )
    )
    world.session.commit()
    assert world.backend.search("geheimewoorden", kind="signals").total == 1

    result = subjects.erase(
        world.session,
        world.backend,
        "@jan",
        "src-a",
        actor="beheer",
        reference="AVG-9",
        pseudonymizer=world.pseudo,
    )
    world.session.commit()
    assert result["post_ids"] == [mine, alone]
    assert result["signals_deleted"] == [lonely_signal]
    assert result["signals_updated"] == [shared_signal]
    world.session.expire_all()
    assert world.session.get(Post, mine) is None and world.session.get(Post, other) is not None
    assert world.session.get(Signal, lonely_signal) is None
    assert world.session.get(Signal, shared_signal).post_count == 1
    assert world.session.scalars(select(LabelCorrection)).all() == []
    assert not world.in_index("posts", mine) and not world.in_index("signals", lonely_signal)
    # The surviving signal's index text no longer holds the erased words.
    assert world.backend.search("geheimewoorden", kind="signals").total == 0
    assert world.backend.search("piet", kind="signals").total == 1
    assert audit.verify(world.session).ok


def _source(escrow_authors: bool) -> SourceConfig:
    return SourceConfig(
        id="src-a",
        kind="feed",
        url="https://example.org/feed",
        purpose="test purpose x",
        legal_basis="AVG 6(1)(e)",
        public_because="open feed, geen login",
        escrow_authors=escrow_authors,
    )


def _intake(world, source, handle="@jan_almere") -> int:
    raw = raw_post("https://example.org/a/1", "oproep", handle, T0)
    hook = escrow.hook_for(source, key_dir=world.pseudo.key_dir)
    result = store_raw_posts(world.session, [raw], world.pseudo, escrow=hook)
    world.session.commit()
    return result.new_post_ids[0]


def test_escrow_is_off_by_default_and_then_nothing_can_be_revealed(world, users):
    assert escrow.hook_for(_source(False)) is None
    pid = _intake(world, _source(False))
    sid = world.signal([pid], status="escalated")
    assert world.session.scalars(select(AuthorEscrow)).all() == []
    with pytest.raises(EscrowError, match="niets te onthullen"):
        reveal.request_reveal(
            world.session,
            signal_id=sid,
            post_id=pid,
            actor="sup1",
            legal_ground="Gemeentewet 172 lid 3, dreigende verstoring",
        )


def test_escrow_ciphertext_holds_no_plaintext_and_key_lives_outside_db(world):
    pid = _intake(world, _source(True), handle="@geheim_handle")
    row = world.session.get(AuthorEscrow, pid)
    assert "geheim" not in row.ciphertext
    assert (world.pseudo.key_dir / escrow.ESCROW_KEY_FILE).exists()
    assert escrow.open_escrow(world.session, pid, key_dir=world.pseudo.key_dir) == "@geheim_handle"
    # A ciphertext moved onto another post does not decrypt as that post's author.
    other = world.post(at=T0)
    world.session.add(AuthorEscrow(post_id=other, ciphertext=row.ciphertext))
    world.session.flush()
    with pytest.raises(EscrowError):
        escrow.open_escrow(world.session, other, key_dir=world.pseudo.key_dir)


GROUND = "Gemeentewet art. 172 lid 3: concrete dreiging van verstoring"


def test_four_eyes_reveal_for_an_escalated_signal(world, users):
    pid = _intake(world, _source(True))
    sid = world.signal([pid], status="escalated")
    key_dir = world.pseudo.key_dir
    with pytest.raises(PrivacyError, match="grondslag"):
        reveal.request_reveal(
            world.session, signal_id=sid, post_id=pid, actor="sup1", legal_ground=""
        )
    with pytest.raises(PrivacyError):
        reveal.request_reveal(
            world.session, signal_id=sid, post_id=pid, actor="ana", legal_ground=GROUND
        )
    req = reveal.request_reveal(
        world.session, signal_id=sid, post_id=pid, actor="sup1", legal_ground=GROUND
    )
    with pytest.raises(PrivacyError, match="goedgekeurd"):
        reveal.reveal(world.session, req.id, actor="sup1", key_dir=key_dir)
    with pytest.raises(PrivacyError, match="tweede supervisor"):
        reveal.decide_reveal(world.session, req.id, actor="sup1", approve=True)
    with pytest.raises(PrivacyError):
        reveal.decide_reveal(world.session, req.id, actor="ana", approve=True)
    reveal.decide_reveal(world.session, req.id, actor="sup2", approve=True)
    assert reveal.reveal(world.session, req.id, actor="sup1", key_dir=key_dir) == "@jan_almere"
    world.session.commit()
    actions = _actions(world)
    for step in ("privacy.reveal.request", "privacy.reveal.approve", "privacy.reveal"):
        assert step in actions
    assert "jan_almere" not in repr([e.details for e in world.session.scalars(select(AuditEvent))])
    assert audit.verify(world.session).ok


@pytest.mark.parametrize("status", ["new", "monitoring", "dismissed", "closed"])
def test_no_reveal_unless_the_signal_is_escalated(world, users, status):
    pid = _intake(world, _source(True))
    sid = world.signal([pid], status=status)
    with pytest.raises(PrivacyError, match="geëscaleerd"):
        reveal.request_reveal(
            world.session, signal_id=sid, post_id=pid, actor="sup1", legal_ground=GROUND
        )


def test_rejected_request_reveals_nothing(world, users):
    pid = _intake(world, _source(True))
    sid = world.signal([pid], status="escalated")
    req = reveal.request_reveal(
        world.session, signal_id=sid, post_id=pid, actor="sup1", legal_ground=GROUND
    )
    reveal.decide_reveal(world.session, req.id, actor="sup2", approve=False)
    with pytest.raises(PrivacyError):
        reveal.reveal(world.session, req.id, actor="sup1", key_dir=world.pseudo.key_dir)
