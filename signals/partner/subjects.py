"""Data-subject requests of a reporter (a partner professional): what the system holds about
them as reporter, and erasing it. Their identity is the account, the organisation link and the
optional contact on their reports; erasing it unlinks the reports from the person (the account
and contact go, the report about a place or event stays with its signal, as the public task
needs it). Admins only, each request audited under its reference like the authors' requests
(`signals.privacy.subjects`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from signals.auth import get_user
from signals.db.partner_models import PartnerAccount, PartnerReport
from signals.errors import NotFound
from signals.privacy.access import record_request, require_role


def _reports(session: Session, username: str) -> tuple[Any, list[PartnerReport]]:
    user = get_user(session, username)
    if user is None:
        raise NotFound(f"Account '{username}' bestaat niet.")
    rows = session.scalars(
        select(PartnerReport).where(PartnerReport.reporter_id == user.id).order_by(PartnerReport.id)
    ).all()
    return user, list(rows)


def lookup_reporter(
    session: Session, username: str, *, actor: str, reference: str
) -> dict[str, Any]:
    """The account, its organisation and every report it made (access request)."""
    require_role(session, actor, "admin", action="privacy.reporter.lookup", target_id=reference)
    user, rows = _reports(session, username)
    account = session.get(PartnerAccount, user.id)
    record_request(
        session, actor, "privacy.reporter.lookup", reference,
        "inzageverzoek melder (AVG art. 15)",
        username=user.username, report_ids=[r.id for r in rows],
    )
    return {
        "account": user.username,
        "role": user.role,
        "organisation": account.organisation.name if account else None,
        "reports": [
            {
                "number": r.number,
                "created_at": r.created_at.isoformat(),
                "signal_id": r.signal_id,
                "what": r.what,
                "where": r.place_text,
                "when": r.when_text,
                "contact": r.contact,
            }
            for r in rows
        ],
    }


def erase_reporter(
    session: Session, username: str, *, actor: str, reference: str
) -> dict[str, Any]:
    """Unlink the reporter from their reports (account and contact removed) and disable the
    account; the reports themselves stay with their signals."""
    require_role(session, actor, "admin", action="privacy.reporter.erase", target_id=reference)
    user, rows = _reports(session, username)
    for row in rows:
        row.reporter_id = None
        row.contact = None
    user.active = False
    user.session_version = (user.session_version or 0) + 1
    record_request(
        session, actor, "privacy.reporter.erase", reference,
        "verwijderverzoek melder (AVG art. 17)",
        username=user.username, report_ids=[r.id for r in rows],
    )
    return {"account": user.username, "reports_unlinked": [r.id for r in rows]}
