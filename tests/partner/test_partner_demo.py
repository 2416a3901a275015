"""The demo's partner: an account in a partner organisation and two reports, one of which meets
the online call it names (same place and time), the other standing alone; seeding twice adds
nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from nlp.vocabulary import KIND_MELDING
from signals.auth import get_user
from signals.db.models import Signal
from signals.db.partner_models import PartnerAccount, PartnerReport
from signals.db.session import session_scope
from signals.partner import demo

from .conftest import online_call


def test_demo_partner_and_reports(env):
    call = online_call(env.engine)
    with session_scope(env.engine) as session:
        assert demo.ensure_partner(session, "demo-password-1")
        assert not demo.ensure_partner(session, "demo-password-2")
        user = get_user(session, demo.USERNAME)
        assert user.role == "partner" and session.get(PartnerAccount, user.id) is not None
    with session_scope(env.engine) as session:
        first, second = demo.seed_reports(session)
    assert first == call and second != call
    with session_scope(env.engine) as session:
        assert demo.seed_reports(session) == []
        assert session.scalar(select(func.count()).select_from(PartnerReport)) == 2
        met = session.scalar(select(PartnerReport).where(PartnerReport.signal_id == call))
        assert met.met_online
        alone = session.get(Signal, second)
        assert alone.kind == KIND_MELDING and alone.post_count == 0
        assert alone.title.startswith("Melding partner") or alone.types
