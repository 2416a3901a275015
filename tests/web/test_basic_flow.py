"""Issue 2's web bar: log in, list signals, open one, and find the view in the audit log."""

from __future__ import annotations

from sqlalchemy import select, update

from signals.audit import verify
from signals.db.models import AuditEvent, Post
from signals.db.session import session_scope

from .conftest import login, make_signal


def test_login_list_open_and_audit(client, env):
    high = make_signal(env.engine, title="Oproep Stadhuisplein", severity=0.9)
    low = make_signal(
        env.engine, title="Rustige oproep Haven", severity=0.3, district="Almere Haven", key="b"
    )
    assert login(client, "analyst").status_code == 303

    queue = client.get("/signalen")
    assert queue.status_code == 200
    assert "Oproep Stadhuisplein" in queue.text and "Rustige oproep Haven" in queue.text
    # Most severe first.
    assert queue.text.index("Oproep Stadhuisplein") < queue.text.index("Rustige oproep Haven")

    only_haven = client.get("/signalen", params={"district": "Almere Haven"})
    assert "Rustige oproep Haven" in only_haven.text
    assert "Oproep Stadhuisplein" not in only_haven.text

    page = client.get(f"/signalen/{high}")
    assert page.status_code == 200
    assert "oproep tot samenkomst" in page.text
    assert "93%" in page.text  # label probability
    assert '<mark class="ev-place">Stadhuisplein</mark>' in page.text
    assert "niet aangemeld" in page.text
    assert "https://example.org/a/" in page.text  # source link
    assert "illegaal" not in page.text.lower()

    with session_scope(env.engine) as session:
        views = session.scalars(select(AuditEvent).where(AuditEvent.action == "signal.view")).all()
        assert [(v.actor, v.actor_role, v.target_id) for v in views] == [
            ("analyst", "analyst", str(high))
        ]
        assert views[0].purpose
        assert (
            session.scalar(select(AuditEvent).where(AuditEvent.action == "login.success"))
            is not None
        )
    assert low != high


def test_tampered_audit_row_is_detected(client, env):
    sid = make_signal(env.engine)
    login(client, "analyst")
    client.get(f"/signalen/{sid}")
    with session_scope(env.engine) as session:
        assert verify(session).ok
        view = session.scalar(select(AuditEvent).where(AuditEvent.action == "signal.view"))
        tampered_id = view.id
        session.execute(
            update(AuditEvent).where(AuditEvent.id == tampered_id).values(actor="iemand-anders")
        )
    with session_scope(env.engine) as session:
        result = verify(session)
        assert not result.ok
        assert result.first_broken_id == tampered_id


def test_post_html_is_escaped(client, env):
    sid = make_signal(
        env.engine,
        title="<script>alert('x')</script> Stadhuisplein",
        text='<img src=x onerror="alert(1)"> kom naar het Stadhuisplein',
    )
    with session_scope(env.engine) as session:
        session.execute(update(Post).values(url="javascript:alert(1)"))
    login(client, "analyst")
    page = client.get(f"/signalen/{sid}")
    assert "javascript:" not in page.text
    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    queue = client.get("/signalen")
    assert "<script>alert" not in queue.text
