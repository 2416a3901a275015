"""The briefing's counts of partner reports (meldingen): by kind of organisation and district,
and how often the online signals and the reports met. Aggregates only: no organisation names,
no accounts, no contact details, no report texts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nlp.vocabulary import ORGANISATION_KINDS_NL, district_group
from signals.briefing.week import Week
from signals.db.models import Signal
from signals.db.partner_models import PartnerReport


@dataclass(slots=True)
class PartnerBriefing:
    reports: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # Dutch kind name -> reports
    by_district: dict[str, int] = field(default_factory=dict)
    # Online signals of the week (first seen in it, with posts) that hold a partner report.
    online_met: int = 0
    online_total: int = 0
    # Reports of the week whose signal also holds online posts.
    reports_met: int = 0


def collect_partner(session: Session, week: Week) -> PartnerBriefing:
    rows = session.execute(
        select(PartnerReport.organisation_kind, PartnerReport.district,
               PartnerReport.in_almere, Signal.post_count)
        .join(Signal, Signal.id == PartnerReport.signal_id)
        .where(PartnerReport.created_at >= week.start, PartnerReport.created_at < week.end)
    ).all()
    kinds = Counter(ORGANISATION_KINDS_NL.get(r.organisation_kind, r.organisation_kind)
                    for r in rows)
    districts = Counter(district_group(r.district, r.in_almere) for r in rows)
    online = (
        select(Signal.id)
        .where(Signal.first_seen_at >= week.start, Signal.first_seen_at < week.end,
               Signal.post_count > 0)
    )
    online_total = session.scalar(select(func.count()).select_from(online.subquery())) or 0
    online_met = session.scalar(
        select(func.count(func.distinct(PartnerReport.signal_id)))
        .where(PartnerReport.signal_id.in_(online))
    ) or 0
    return PartnerBriefing(
        reports=len(rows),
        by_kind=dict(sorted(kinds.items())),
        by_district=dict(sorted(districts.items())),
        online_met=int(online_met),
        online_total=int(online_total),
        reports_met=sum(1 for r in rows if (r.post_count or 0) > 0),
    )
