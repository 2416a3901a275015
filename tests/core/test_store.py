from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from collectors.models import RawPost
from signals import audit
from signals.db.models import AuditEvent, Post
from signals.intake import canonical_url, store_raw_posts
from signals.privacy.pseudonym import Pseudonymizer

PUBLISHED = datetime(2026, 11, 20, 13, 5, 7, 123456, tzinfo=UTC)


def _raw(n: int, **overrides) -> RawPost:
    values = dict(
        source_id="src-a",
        url=f"https://Example.org/artikel/{n}?utm_source=x#top",
        title=f"Titel {n}",
        text=f"Tekst van bericht {n} over de Esplanade",
        external_id=f"guid-{n}",
        author="@Jan_Almere",
        published_at=PUBLISHED,
        language="nl",
    )
    values.update(overrides)
    return RawPost(**values)


def test_intake_dedups_by_url_and_content_and_pseudonymises(db_engine, tmp_path):
    pseudo = Pseudonymizer(tmp_path / "keys")
    with Session(db_engine) as session:
        first = store_raw_posts(session, [_raw(1), _raw(2), _raw(1)], pseudo)
        session.commit()
        assert len(first.new_post_ids) == 2 and first.duplicates == 1
        # Same article with other tracking params; same content under a new URL from the
        # same source; same content from another source is a repost and is kept.
        second = store_raw_posts(
            session,
            [
                _raw(1, url="https://example.org/artikel/1?fbclid=abc"),
                _raw(2, url="https://example.org/elders/2"),
                _raw(2, url="https://other.example/2", source_id="src-b"),
            ],
            pseudo,
        )
        session.commit()
        assert second.duplicates == 2 and len(second.new_post_ids) == 1
        posts = session.scalars(select(Post).order_by(Post.id)).all()
        assert [p.canonical_url for p in posts][:2] == [
            "https://example.org/artikel/1",
            "https://example.org/artikel/2",
        ]
        assert posts[0].published_at == PUBLISHED  # aware UTC, microseconds kept
        assert posts[0].author_pseudonym.startswith("ps_")
        # Same handle, same source, same period: same pseudonym; another source differs.
        assert posts[0].author_pseudonym == posts[1].author_pseudonym
        assert posts[2].author_pseudonym != posts[0].author_pseudonym
        dump = " ".join(
            str(v) for row in session.execute(text("SELECT * FROM posts")).all() for v in row
        ).lower()
        assert "jan_almere" not in dump


def test_canonical_url_drops_tracking_fragment_and_default_port():
    assert (
        canonical_url("HTTPS://WWW.Site.nl:443/a?b=2&utm_medium=x&a=1#frag")
        == "https://www.site.nl/a?a=1&b=2"
    )


def test_audit_chain_verifies_and_detects_tampering(db_engine):
    with Session(db_engine) as session:
        for i in range(5):
            audit.record(
                session,
                actor="analist",
                action="signal.view",
                target_type="signal",
                target_id=i,
                purpose="triage",
                details={"n": i},
            )
        session.commit()
        assert audit.verify(session).ok
        assert audit.verify(session).checked == 5
        third = session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(2)).first()
        session.execute(update(AuditEvent).where(AuditEvent.id == third.id).values(target_id="999"))
        session.commit()
        session.expire_all()
        result = audit.verify(session)
        assert not result.ok and result.first_broken_id == third.id


def test_audit_detects_deleted_row(db_engine):
    with Session(db_engine) as session:
        for i in range(4):
            audit.record(session, actor="x", action="a", details={"i": i})
        session.commit()
        second = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id).offset(1)).first()
        session.execute(AuditEvent.__table__.delete().where(AuditEvent.id == second))
        session.commit()
        result = audit.verify(session)
        assert not result.ok and result.first_broken_id == second + 1


def test_pseudonyms_rotate_per_month_and_shred(tmp_path):
    pseudo = Pseudonymizer(tmp_path / "keys")
    nov = pseudo.pseudonym("@Piet", "src", datetime(2026, 11, 3, tzinfo=UTC))
    nov2 = pseudo.pseudonym("piet", "src", datetime(2026, 11, 29, tzinfo=UTC))
    dec = pseudo.pseudonym("@piet", "src", datetime(2026, 12, 1, tzinfo=UTC))
    assert nov == nov2 and nov[0] != dec[0] and dec[1] == "2026-12"
    assert pseudo.destroy_key("2026-11")
    fresh = Pseudonymizer(tmp_path / "keys")
    assert fresh.pseudonym("@Piet", "src", datetime(2026, 11, 3, tzinfo=UTC), create=False) is None
    assert fresh.periods() == ["2026-12"]


def test_static_key_is_stable_across_periods(tmp_path):
    pseudo = Pseudonymizer(tmp_path / "keys", static_key="s3cret")
    a = pseudo.pseudonym("x", "s", datetime(2026, 1, 1, tzinfo=UTC))
    b = pseudo.pseudonym("x", "s", datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=90))
    assert a == b and not (tmp_path / "keys").exists()
