"""How many partner reports a signal holds: read by the severity score on every re-score.

Its own module, importing nothing but the tables, so that detection can ask without importing
the partner package (which imports detection)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from signals.db.partner_models import PartnerReport


def report_count(session: Session, signal_id: int | None) -> int:
    if signal_id is None:
        return 0
    return int(
        session.scalar(
            select(func.count())
            .select_from(PartnerReport)
            .where(PartnerReport.signal_id == signal_id)
        )
        or 0
    )


def reports_in(session: Session, signal_ids: list[int]) -> int:
    """How many reports the given signals hold together (the retention purge's count)."""
    if not signal_ids:
        return 0
    return int(
        session.scalar(
            select(func.count()).select_from(PartnerReport).where(
                PartnerReport.signal_id.in_(signal_ids)
            )
        )
        or 0
    )


def report_counts(session: Session, signal_ids: list[int] | None = None) -> dict[int, int]:
    """Reports per signal, for the given signals (one queue page's) or for all; signals without
    any are absent. Reports are typed by people, so even all of them are few."""
    if signal_ids is not None and not signal_ids:
        return {}
    stmt = select(PartnerReport.signal_id, func.count()).group_by(PartnerReport.signal_id)
    if signal_ids is not None:
        stmt = stmt.where(PartnerReport.signal_id.in_(signal_ids))
    return {int(signal_id): int(n) for signal_id, n in session.execute(stmt)}
