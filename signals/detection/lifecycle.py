"""The signal lifecycle: a flagged post joins or starts a signal, and an open signal is
re-scored (register match, severity, title) whenever what it rests on changes.

`detect` runs after enrichment; `refresh_signals` after a register change and on a schedule, so
that urgency follows the clock. Both run in the caller's transaction and commit nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nlp.vocabulary import (
    ALMERE_DISTRICTS,
    CALL,
    NOT_NOTIFIED,
    NOTIFIED,
    OPEN_STATUSES,
    OUTSIDE_ALMERE,
)
from signals import clustering, severity
from signals.db.models import Enrichment, Post, Signal, SignalPost
from signals.db.types import utcnow
from signals.detection.index import db_key, forget_on_rollback, refresh_index
from signals.detection.joining import (
    Facts,
    facts_of,
    find_by_gathering,
    find_by_text,
    signal_of_earlier_version,
)
from signals.detection.matching import CLUSTER_WINDOW, COARSE_KINDS, place_kind, time_rank
from signals.partner.counts import report_count
from signals.register.matching import match as register_match
from signals.wording import signal_title

log = logging.getLogger(__name__)


@dataclass(slots=True)
class DetectResult:
    signal_ids: list[int] = field(default_factory=list)
    new_signal_ids: list[int] = field(default_factory=list)
    grown_signal_ids: list[int] = field(default_factory=list)


def _newest_enrichments(session: Session, post_ids: list[int]) -> dict[int, Enrichment]:
    newest: dict[int, Enrichment] = {}
    rows = session.scalars(
        select(Enrichment)
        .where(Enrichment.post_id.in_(post_ids))
        .order_by(Enrichment.post_id, Enrichment.created_at, Enrichment.id)
    )
    for enrichment in rows:
        newest[enrichment.post_id] = enrichment  # ordered ascending: the last one wins
    return newest


def _merge_labels(old: dict[str, float], enrichment: Enrichment) -> dict[str, float]:
    merged = dict(old)
    for name, score in (enrichment.labels or {}).items():
        if isinstance(score, dict):
            try:
                p = float(score.get("p", 0.0))
            except (TypeError, ValueError):
                continue
            merged[name] = max(merged.get(name, 0.0), p)
    return merged


def _visible(signal: Signal) -> tuple[Any, ...]:
    return (
        tuple(signal.types or []),
        signal.severity,
        signal.title,
        signal.place,
        signal.district,
        signal.in_almere,
        signal.event_time,
        signal.event_time_text,
        signal.notification_status,
        signal.register_entry_id,
        signal.post_count,
        signal.source_count,
    )


def _apply(signal: Signal, facts: Facts) -> None:
    """Fold one post's facts into the signal; the first known value of a fact is kept."""
    types = list(signal.types or [])
    for flag in facts.flags:
        if flag not in types:
            types.append(flag)
    signal.types = types
    if facts.place and (
        signal.place is None
        or (
            place_kind(signal.place) in COARSE_KINDS and place_kind(facts.place) not in COARSE_KINDS
        )
    ):
        # "Almere" in the first copy, "Stationsplein Almere" in a later one: keep the precise.
        signal.place = facts.place
        signal.district = facts.district or signal.district
    if signal.district is None and facts.district:
        signal.district = facts.district
    if signal.in_almere is None and facts.in_almere is not None:
        signal.in_almere = facts.in_almere
    elif facts.in_almere and signal.in_almere is False:
        signal.in_almere = True  # one copy placing it in Almere is enough to look at it
    if facts.event_time is not None and (
        signal.event_time is None
        or time_rank(facts.event_time_text) > time_rank(signal.event_time_text)
    ):
        # A later copy may say "zaterdag 14:00" where the first said only "zaterdag".
        signal.event_time = facts.event_time
        signal.event_time_text = facts.event_time_text
    seen = facts.post.fetched_at
    if seen is not None:
        if signal.first_seen_at is None or seen < signal.first_seen_at:
            signal.first_seen_at = seen
        if signal.last_activity_at is None or seen > signal.last_activity_at:
            signal.last_activity_at = seen


def _rescore(session: Session, signal: Signal, labels: dict[str, float], now: datetime) -> None:
    posts, sources = session.execute(
        select(func.count(), func.count(func.distinct(Post.source_id)))
        .select_from(SignalPost)
        .join(Post, Post.id == SignalPost.post_id)
        .where(SignalPost.signal_id == signal.id)
    ).one()
    signal.post_count, signal.source_count = int(posts), int(sources)
    if signal.district is not None and (
        signal.in_almere is False or signal.district not in ALMERE_DISTRICTS
    ):
        # Stored before districts were Almere's only ("Amsterdam" for the Dam): no district.
        signal.district = None
    if CALL in (signal.types or []) and signal.in_almere is False:
        # Almere's register says nothing about a gathering on the Dam or the Malieveld.
        signal.register_entry_id = None
        signal.notification_status = OUTSIDE_ALMERE
    elif CALL in (signal.types or []):
        entry = register_match(session, signal.place, signal.event_time)
        signal.register_entry_id = entry.id if entry else None
        signal.notification_status = NOTIFIED if entry else NOT_NOTIFIED
    else:
        signal.register_entry_id = None
        signal.notification_status = None
    value, breakdown = severity.score(
        labels={name: {"p": p} for name, p in labels.items()},
        in_almere=signal.in_almere,
        event_time=signal.event_time,
        now=now,
        post_count=signal.post_count,
        source_count=signal.source_count,
        notification_status=signal.notification_status,
        partner_reports=report_count(session, signal.id),
    )
    signal.severity = value
    signal.severity_breakdown = breakdown
    signal.title = signal_title(
        signal.types or [], signal.place, signal.event_time, signal.kind, signal.event_time_text
    )


def _apply_edit(signal: Signal, facts: Facts) -> None:
    """An edit by the author corrects the item: its place and time replace the earlier ones."""
    if facts.place:
        signal.place = facts.place
        signal.district = facts.district or signal.district
    if facts.event_time is not None:
        signal.event_time = facts.event_time
        signal.event_time_text = facts.event_time_text


def detect(session: Session, post_ids: list[int], *, now: datetime | None = None) -> DetectResult:
    """Attach each flagged post (by its newest enrichment) to the signal of its gathering or
    start a new one. Idempotent: a post already in a signal is skipped. Runs in the caller's
    transaction; nothing is committed here."""
    now = now or utcnow()
    result = DetectResult()
    if not post_ids:
        return result
    unique_ids = list(dict.fromkeys(post_ids))
    already = set(
        session.scalars(select(SignalPost.post_id).where(SignalPost.post_id.in_(unique_ids)))
    )
    todo = [pid for pid in unique_ids if pid not in already]
    if not todo:
        return result
    enrichments = _newest_enrichments(session, todo)
    posts = {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(todo)))}

    index = clustering.index_for(db_key(session))
    with index.lock:
        refresh_index(session, index, now)

    touched: dict[int, Signal] = {}
    before: dict[int, tuple[Any, ...]] = {}
    labels: dict[int, dict[str, float]] = {}
    new_ids: set[int] = set()
    # No autoflush inside the loop: each lookup would otherwise flush the links added so far.
    with index.lock, session.no_autoflush:
        for pid in todo:
            post, enrichment = posts.get(pid), enrichments.get(pid)
            if post is None or enrichment is None:
                continue
            facts = facts_of(post, enrichment)
            if facts is None:
                continue
            # An edited item joins the signal its earlier version is in, whatever it now says.
            earlier = signal_of_earlier_version(session, post, touched)
            signal = (
                earlier
                or find_by_text(session, index, facts, now)
                or find_by_gathering(session, facts, now, touched)
            )
            if signal is None:
                seen = post.fetched_at or now
                signal = Signal(
                    types=[],
                    status="new",
                    minhash=clustering.to_list(facts.minhash),
                    first_seen_at=seen,
                    last_activity_at=seen,
                    post_count=0,
                    source_count=0,
                    version=1,
                )
                session.add(signal)
                session.flush()
                new_ids.add(signal.id)
                if index.add(f"s{signal.id}", signal.id, facts.minhash):
                    forget_on_rollback(session, index, f"s{signal.id}")
                index.max_signal_id = max(index.max_signal_id, signal.id)
            if signal.id not in touched:
                touched[signal.id] = signal
                before[signal.id] = _visible(signal)
                labels[signal.id] = dict((signal.severity_breakdown or {}).get("labels") or {})
            session.add(SignalPost(signal_id=signal.id, post_id=pid, added_at=now))
            if index.add(f"p{pid}", signal.id, facts.minhash):
                forget_on_rollback(session, index, f"p{pid}")
            _apply(signal, facts)
            if earlier is not None:
                _apply_edit(signal, facts)
            labels[signal.id] = _merge_labels(labels[signal.id], enrichment)

    session.flush()
    for signal_id, signal in touched.items():
        _rescore(session, signal, labels[signal_id], now)
        if signal_id in new_ids:
            result.new_signal_ids.append(signal_id)
        else:
            if _visible(signal) != before[signal_id]:
                signal.version = (signal.version or 1) + 1
            result.grown_signal_ids.append(signal_id)
        result.signal_ids.append(signal_id)
    session.flush()
    if touched:
        log.info(
            "detect: %d post(s) -> %d new, %d grown signal(s)",
            len(todo),
            len(result.new_signal_ids),
            len(result.grown_signal_ids),
        )
    return result


def refresh_signals(
    session: Session, signal_ids: list[int] | None = None, *, now: datetime | None = None
) -> list[int]:
    """Recompute register match, severity and title of open signals (the given ones, or every
    open signal active within the window). For after a register change, and periodically so
    that urgency follows the clock. Returns the ids whose visible state changed; their version
    is bumped so that a decision made on the old state is refused as stale."""
    now = now or utcnow()
    query = select(Signal).where(Signal.status.in_(OPEN_STATUSES))
    if signal_ids is None:
        query = query.where(Signal.last_activity_at >= now - CLUSTER_WINDOW)
    else:
        if not signal_ids:
            return []
        query = query.where(Signal.id.in_(signal_ids))
    changed: list[int] = []
    for signal in session.scalars(query.order_by(Signal.id)).all():
        before = _visible(signal)
        labels = dict((signal.severity_breakdown or {}).get("labels") or {})
        _rescore(session, signal, labels, now)
        if _visible(signal) != before:
            signal.version = (signal.version or 1) + 1
            changed.append(signal.id)
    session.flush()
    return changed
