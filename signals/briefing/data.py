"""Everything the weekly briefing shows, computed from the system of record alone.

Aggregates only: no author pseudonyms and no post texts. The only quoted text is what an
analyst explicitly marked for the briefing (SignalPost.briefing_snippet).

Two clocks: signals are counted in the week they were first seen (what reached the analysts
that week), and gatherings (calls to gather) also in the week they take place. Districts are
Almere's (nlp.vocabulary); a gathering elsewhere counts as "buiten Almere", never as a district,
and has no notification status (Almere's register does not apply there)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from nlp.vocabulary import (
    CALL,
    DISMISSED,
    DISTRICT_UNKNOWN,
    ESCALATED,
    LABELS,
    NOT_NOTIFIED,
    NOTIFICATION_NL,
    NOTIFIED,
    OUTSIDE_ALMERE,
    district_group,
)
from signals.briefing.partner import PartnerBriefing, collect_partner
from signals.briefing.week import AMSTERDAM, Week
from signals.db.models import (
    Decision,
    Enrichment,
    ProtocolVersion,
    RegisterEntry,
    Signal,
    SignalPost,
)
from signals.privacy.mentions import blank_author_mentions
from signals.protocol import diff_protocols, protocol_of
from signals.register.matching import is_active
from signals.wording import CLOCK, shown_precision

HISTORY_WEEKS = 5  # the briefing week and the four before it


@dataclass(slots=True)
class CalendarItem:
    start: datetime
    place: str
    district: str | None
    kind: str  # "signaal" or "register"
    # "aangemeld" / "niet aangemeld" / "buiten Almere — n.v.t."; for a register entry that no
    # longer stands, its status ("ingetrokken", "geannuleerd").
    notification: str
    types: list[str]
    status: str | None
    reference: str | None
    # How precisely the start was written (signals.wording): a register entry has its clock
    # time; a signal read from "zaterdag" has none, and its 12:00 is not shown.
    precision: int = CLOCK

    @property
    def day(self) -> str:
        return self.start.astimezone(AMSTERDAM).date().isoformat()


@dataclass(slots=True)
class EscalatedItem:
    signal_id: int
    title: str
    place: str | None
    district: str | None
    event_time: datetime | None
    event_time_text: str | None
    notification: str | None
    decisions: list[dict]
    interventions: list[dict]
    snippets: list[str]


@dataclass(slots=True)
class BriefingData:
    week: Week
    weeks: list[Week]
    counts_by_type: dict[str, list[int]]  # label → count per week in `weeks`
    counts_by_status: dict[str, int]  # this week's signals by current status
    counts_by_district: dict[str, list[int]]
    total_by_week: list[int]
    # Calls to gather (not dismissed) by the week the gathering takes place.
    gatherings_by_event_week: list[int]
    calendar: list[CalendarItem]
    escalated: list[EscalatedItem]
    protocol_changes: list[list[str]]
    lead_time_hours: float | None
    lead_time_n: int
    calls_total: int
    calls_notified: int
    decision_hours: float | None
    decision_n: int
    model_versions: list[str] = field(default_factory=list)
    # Partner reports of the week (signals/briefing/partner.py); None for an old caller.
    partner: PartnerBriefing | None = None

    @property
    def notified_share(self) -> float | None:
        return self.calls_notified / self.calls_total if self.calls_total else None

    @property
    def calendar_active(self) -> list[CalendarItem]:
        """The gatherings of the coming week: not the withdrawn or cancelled register entries."""
        return [i for i in self.calendar if i.notification in NOTIFICATION_NL.values()]

    def calendar_count(self, notification: str) -> int:
        return sum(1 for i in self.calendar if i.notification == NOTIFICATION_NL[notification])


def _week_signals(session: Session, start: datetime, end: datetime) -> list[tuple]:
    return session.execute(
        select(
            Signal.id,
            Signal.types,
            Signal.status,
            Signal.district,
            Signal.in_almere,
            Signal.first_seen_at,
            Signal.event_time,
            Signal.notification_status,
        )
        .where(Signal.first_seen_at >= start, Signal.first_seen_at < end)
        .order_by(Signal.id)
    ).all()


def _median_hours(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def collect(session: Session, week: Week) -> BriefingData:
    weeks = [week.shift(-i) for i in range(HISTORY_WEEKS - 1, -1, -1)]
    by_type: dict[str, list[int]] = {label: [0] * len(weeks) for label in LABELS}
    by_district: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
    totals = [0] * len(weeks)
    current: list[tuple] = []
    for index, w in enumerate(weeks):
        rows = _week_signals(session, w.start, w.end)
        totals[index] = len(rows)
        for row in rows:
            for label in row.types:
                if label in by_type:
                    by_type[label][index] += 1
            by_district[district_group(row.district, row.in_almere)][index] += 1
        if w == week:
            current = rows
    status_counts = Counter(row.status for row in current)

    # The notified share is about Almere's register: gatherings elsewhere do not count in it.
    calls = [
        row for row in current
        if CALL in row.types
        and row.in_almere is not False
        and row.notification_status != OUTSIDE_ALMERE
    ]
    lead_times = [
        (row.event_time - row.first_seen_at).total_seconds() / 3600
        for row in calls
        if row.event_time and row.event_time > row.first_seen_at
    ]
    notified = sum(1 for row in calls if row.notification_status == NOTIFIED)

    current_ids = [row.id for row in current]
    first_decisions = (
        dict(
            session.execute(
                select(Decision.signal_id, func.min(Decision.created_at))
                .where(Decision.signal_id.in_(current_ids))
                .group_by(Decision.signal_id)
            ).all()
        )
        if current_ids
        else {}
    )
    first_seen = {row.id: row.first_seen_at for row in current}
    decision_hours = [
        (decided - first_seen[sid]).total_seconds() / 3600
        for sid, decided in first_decisions.items()
    ]

    return BriefingData(
        week=week,
        weeks=weeks,
        counts_by_type=by_type,
        counts_by_status={s: status_counts[s] for s in sorted(status_counts)},
        counts_by_district=dict(sorted(by_district.items())),
        total_by_week=totals,
        gatherings_by_event_week=[_gatherings_in(session, w) for w in weeks],
        calendar=_calendar(session, week.shift(1)),
        escalated=_escalated(session, week),
        protocol_changes=_protocol_changes(session, week),
        lead_time_hours=_median_hours(lead_times),
        lead_time_n=len(lead_times),
        calls_total=len(calls),
        calls_notified=notified,
        decision_hours=_median_hours(decision_hours),
        decision_n=len(decision_hours),
        model_versions=_model_versions(session, current_ids),
        partner=collect_partner(session, week),
    )


def _gatherings_in(session: Session, week: Week) -> int:
    """Calls to gather (not dismissed) whose event takes place in `week`."""
    types = session.scalars(
        select(Signal.types).where(
            Signal.event_time >= week.start,
            Signal.event_time < week.end,
            Signal.status != DISMISSED,
        )
    ).all()
    return sum(1 for t in types if CALL in (t or []))


def _district_shown(signal: Signal) -> str | None:
    """An Almere district, "buiten Almere", or None when unknown."""
    group = district_group(signal.district, signal.in_almere)
    return None if group == DISTRICT_UNKNOWN else group


def _signal_notification(signal: Signal) -> str:
    if signal.in_almere is False or signal.notification_status == OUTSIDE_ALMERE:
        return NOTIFICATION_NL[OUTSIDE_ALMERE]
    return NOTIFICATION_NL.get(signal.notification_status or NOT_NOTIFIED, NOT_NOTIFIED)


def _calendar(session: Session, coming: Week) -> list[CalendarItem]:
    items: list[CalendarItem] = []
    entries = session.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.start_at < coming.end, RegisterEntry.end_at >= coming.start)
        .order_by(RegisterEntry.start_at, RegisterEntry.id)
    ).all()
    matched_entries = set()
    signals = session.scalars(
        select(Signal)
        .where(Signal.event_time >= coming.start, Signal.event_time < coming.end)
        .where(Signal.status != DISMISSED)
        .order_by(Signal.event_time, Signal.id)
    ).all()
    for signal in signals:
        if CALL not in signal.types:
            continue
        if signal.register_entry_id:
            matched_entries.add(signal.register_entry_id)
        items.append(
            CalendarItem(
                start=signal.event_time,  # type: ignore[arg-type]
                place=signal.place or "onbekende plek",
                district=_district_shown(signal),
                kind="signaal",
                notification=_signal_notification(signal),
                types=list(signal.types),
                status=signal.status,
                reference=f"signaal {signal.id}",
                precision=shown_precision(signal.event_time_text),
            )
        )
    for entry in entries:
        if entry.id in matched_entries:
            continue
        items.append(
            CalendarItem(
                start=entry.start_at,
                place=entry.place,
                district=None,
                kind="register",
                # Only an active notification announces a gathering; a withdrawn one is listed
                # under its own status, never as "aangemeld".
                notification=NOTIFIED if is_active(entry.status) else entry.status,
                types=[],
                status=entry.status,
                reference=entry.reference,
            )
        )
    items.sort(key=lambda i: (i.start, i.kind, i.reference or ""))
    return items


def _escalated(session: Session, week: Week) -> list[EscalatedItem]:
    escalated_ids = session.scalars(
        select(Decision.signal_id)
        .where(Decision.to_status == ESCALATED)
        .where(Decision.created_at >= week.start, Decision.created_at < week.end)
        .distinct()
        .order_by(Decision.signal_id)
    ).all()
    if not escalated_ids:
        return []
    signals = session.scalars(
        select(Signal)
        .where(Signal.id.in_(escalated_ids))
        .options(
            selectinload(Signal.decisions).selectinload(Decision.interventions),
            selectinload(Signal.posts),
        )
        .order_by(Signal.id)
    ).all()
    out = []
    for signal in signals:
        decisions = [
            {"when": d.created_at, "to_status": d.to_status, "rationale": d.rationale,
             "protocol_version": d.protocol_version}
            for d in signal.decisions
        ]
        interventions = [
            {"intervention_id": c.intervention_id, "protocol_version": c.protocol_version,
             "approval_status": c.approval_status, "note": c.proportionality_note}
            for d in signal.decisions
            for c in d.interventions
        ]
        out.append(
            EscalatedItem(
                signal_id=signal.id,
                title=signal.title,
                place=signal.place,
                district=_district_shown(signal),
                event_time=signal.event_time,
                event_time_text=signal.event_time_text,
                notification=NOTIFICATION_NL.get(
                    signal.notification_status or "", signal.notification_status
                ),
                decisions=decisions,
                interventions=interventions,
                # Blanked again on the way out: a quote stored by other means (an import, an
                # older version) must not carry a handle into the briefing either.
                snippets=sorted(
                    blank_author_mentions(sp.briefing_snippet)
                    for sp in signal.posts
                    if sp.briefing_snippet
                ),
            )
        )
    return out


def _protocol_changes(session: Session, week: Week) -> list[list[str]]:
    versions = session.scalars(
        select(ProtocolVersion)
        .where(ProtocolVersion.activated_at.is_not(None))
        .order_by(ProtocolVersion.activated_at, ProtocolVersion.id)
    ).all()
    changes = []
    for previous, current in zip([None, *versions], versions, strict=False):
        activated = current.activated_at
        if activated is None or not (week.start <= activated < week.end):
            continue
        if previous is None:
            changes.append([f"Protocol {current.version_id} in gebruik genomen."])
        else:
            changes.append(diff_protocols(protocol_of(previous), protocol_of(current)))
    return changes


def _model_versions(session: Session, signal_ids: list[int]) -> list[str]:
    if not signal_ids:
        return []
    return sorted(
        session.scalars(
            select(Enrichment.model_version)
            .join(SignalPost, SignalPost.post_id == Enrichment.post_id)
            .where(SignalPost.signal_id.in_(signal_ids))
            .distinct()
        ).all()
    )


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(AMSTERDAM) if moment else None
