"""The demo's partner: one jongerenwerker account and two reports, one of which names the place
and time of an online call the demo's sources carry (so the two meet in one signal), the other
a place and time no online post names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import CALL, KIND_ONLINE, OPEN_STATUSES, TZ
from signals.auth import get_user
from signals.db.models import Post, Signal, SignalPost
from signals.db.partner_models import PartnerOrganisation, PartnerReport
from signals.db.types import utcnow
from signals.partner.form import ReportInput
from signals.partner.reading import describe
from signals.services import Actor, partner_admin
from signals.services import partner as reports

ORGANISATION = ("Jongerenwerk Almere (demo)", "jongerenwerk")
USERNAME = "jongerenwerker"
_HOST = Actor("system:demo", "admin")


def ensure_partner(session: Session, password: str) -> bool:
    """The demo partner account (and its organisation); False when it already existed."""
    if get_user(session, USERNAME) is not None:
        return False
    name, kind = ORGANISATION
    org = session.scalar(select(PartnerOrganisation).where(PartnerOrganisation.name == name))
    if org is None:
        org = partner_admin.create_organisation(session, _HOST, name, kind)
    partner_admin.create_partner_account(session, _HOST, USERNAME, org.id, password)
    return True


def _online_call(session: Session, now: datetime) -> Signal | None:
    """The open online call to meet: in Almere, with a place and a future time; one from a
    Telegram source first, then the most severe."""
    rows = session.scalars(
        select(Signal).where(
            Signal.kind == KIND_ONLINE,
            Signal.status.in_(OPEN_STATUSES),
            Signal.place.is_not(None),
            Signal.event_time > now,
            Signal.in_almere.is_(True),
        )
    ).all()
    calls = [s for s in rows if CALL in (s.types or [])]
    if not calls:
        return None
    telegram = set(
        session.scalars(
            select(SignalPost.signal_id)
            .join(Post, Post.id == SignalPost.post_id)
            .where(Post.source_id.contains("telegram"))
        )
    )
    return max(calls, key=lambda s: (s.id in telegram, s.severity, -s.id))


def seed_reports(session: Session, settings=None, now: datetime | None = None) -> list[int]:
    """Two reports by the demo partner, once. Returns the ids of the signals they are in."""
    now = now or utcnow()
    user = get_user(session, USERNAME)
    if user is None:
        return []
    if session.scalar(select(PartnerReport.id).where(PartnerReport.reporter_id == user.id)):
        return []
    reporter = reports.reporter_for(session, Actor(user.username, user.role, user.id))
    signal_ids: list[int] = []
    call = _online_call(session, now)
    if call is not None:
        local = call.event_time.astimezone(TZ)
        when = describe(local).replace(",", "")  # "zaterdag 12 december 14:00"
        row = reports.submit_report(session, reporter, ReportInput(
            what=(
                "Op het jongerencentrum wordt gepraat over een oproep op Telegram om daar "
                "samen te komen. Een groep jongeren wil erheen en de sfeer is gespannen."
            ),
            where=call.place or "",
            when=when,
            knowledge="gehoord",
            urgency="hoog",
        ), settings=settings, now=now)
        signal_ids.append(row.signal_id)
    row = reports.submit_report(session, reporter, ReportInput(
        what=(
            "Bij het winkelcentrum hangt veel spanning tussen twee groepen jongeren; er wordt "
            "gezegd dat het vrijdagavond uit de hand gaat lopen."
        ),
        where="Almere Haven",
        when="vrijdagavond",
        knowledge="zelf",
        urgency="middel",
    ), settings=settings, now=now)
    signal_ids.append(row.signal_id)
    return signal_ids
