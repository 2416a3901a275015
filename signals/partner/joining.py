"""File a confirmed report under the signal of its gathering, or start a signal of kind melding.

A report joins an open signal (online or another report) at the same place and time, by the
same rules that join two online calls (`signals.detection.matching`: compatible places, the same
moment at the precision each side gives). A report without a place or a time cannot be matched
and starts its own signal. Online posts that come later join a melding signal the same way
(`signals.detection.joining`), so the order in which the two arrive does not matter.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import KIND_MELDING, NEW, OPEN_STATUSES
from signals.db.models import Signal
from signals.detection.lifecycle import refresh_signals
from signals.detection.matching import (
    CLUSTER_WINDOW,
    COARSE_KINDS,
    compatible_places,
    place_kind,
    same_time,
)
from signals.partner.reading import ReportReading


def find_signal(
    session: Session,
    place: str | None,
    moment: datetime | None,
    moment_text: str | None,
    now: datetime,
) -> Signal | None:
    """The open signal at this place and time: the same canonical place first (one with online
    posts before one without), else the one signal inside a coarse place at that time."""
    if not place or moment is None:
        return None
    rows = session.scalars(
        select(Signal).where(
            Signal.status.in_(OPEN_STATUSES),
            Signal.event_time.is_not(None),
            Signal.event_time >= moment - timedelta(days=1),
            Signal.event_time <= moment + timedelta(days=1),
            Signal.last_activity_at >= now - CLUSTER_WINDOW,
        )
    ).all()
    at_time = [
        s
        for s in rows
        if s.place and same_time(s.event_time, s.event_time_text, moment, moment_text)
    ]
    exact = [s for s in at_time if s.place == place]
    if exact:
        return min(exact, key=lambda s: (s.post_count == 0, abs(s.event_time - moment), s.id))
    inside = [
        s
        for s in at_time
        if (place_kind(s.place) in COARSE_KINDS or place_kind(place) in COARSE_KINDS)
        and compatible_places(s.place, place)
    ]
    return inside[0] if len(inside) == 1 else None


def _merge_labels(signal: Signal, reading: ReportReading) -> None:
    breakdown = dict(signal.severity_breakdown or {})
    labels = dict(breakdown.get("labels") or {})
    for name, p in reading.p_by_label.items():
        labels[name] = max(float(labels.get(name, 0.0)), p)
    breakdown["labels"] = labels
    signal.severity_breakdown = breakdown


def file_report(
    session: Session, reading: ReportReading, now: datetime
) -> tuple[Signal, bool, bool]:
    """The signal the report belongs to, whether it was created for it, and whether online
    posts were already there. The caller adds the report, then calls `rescore`."""
    when = reading.when
    moment, moment_text = (when.value, when.text) if when else (None, None)
    signal = find_signal(session, reading.place.canonical, moment, moment_text, now)
    created = signal is None
    if signal is None:
        signal = Signal(
            kind=KIND_MELDING,
            types=[],
            status=NEW,
            severity=0.0,
            severity_breakdown={},
            place=reading.place.canonical,
            district=reading.place.district,
            in_almere=reading.place.in_almere,
            event_time=moment,
            event_time_text=moment_text,
            post_count=0,
            source_count=0,
            first_seen_at=now,
            last_activity_at=now,
            version=1,
        )
        session.add(signal)
    met_online = (signal.post_count or 0) > 0
    signal.types = list(dict.fromkeys([*(signal.types or []), *reading.flags]))
    if signal.in_almere is None and reading.place.in_almere is not None:
        signal.in_almere = reading.place.in_almere
    signal.last_activity_at = max(signal.last_activity_at or now, now)
    _merge_labels(signal, reading)
    session.flush()
    return signal, created, met_online


def rescore(session: Session, signal: Signal, now: datetime, *, created: bool) -> None:
    """Severity, register match and title, by detection's one re-score. A new signal keeps
    version 1: nobody can have decided on an earlier state of it."""
    refresh_signals(session, [signal.id], now=now)
    if created:
        signal.version = 1
