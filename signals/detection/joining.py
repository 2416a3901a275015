"""Which open signal a flagged post joins: an earlier version's, a near-copy's, or the one
gathering at the same place and time. None means the post starts a new signal.

A text match is refused when the two name different places or clearly different times: two
calls written from one template ("zaterdag 14u naar X") are different gatherings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nlp.vocabulary import CALL, KIND_MELDING, OPEN_STATUSES
from signals import clustering
from signals.db.models import Enrichment, Post, Signal, SignalPost
from signals.detection.matching import (
    CLUSTER_WINDOW,
    COARSE_KINDS,
    SAME_WORDS_SPAN,
    compatible_places,
    main_place,
    names_day,
    place_kind,
    same_clock,
    same_time,
)
from signals.wording import time_precision

# Text similarity needed to join a call whose place is known on one side only.
STRICT_SIMILARITY = 0.8


@dataclass(slots=True)
class Facts:
    """What one flagged post contributes to a signal."""

    post: Post
    enrichment: Enrichment
    flags: list[str]
    place: str | None
    district: str | None
    in_almere: bool | None
    event_time: datetime | None
    event_time_text: str | None
    minhash: Any


def facts_of(post: Post, enrichment: Enrichment) -> Facts | None:
    flags = [f for f in (enrichment.flags or []) if isinstance(f, str)]
    if not flags:
        flags = [
            name
            for name, score in (enrichment.labels or {}).items()
            if isinstance(score, dict) and score.get("flag")
        ]
    if not flags:
        return None
    title, body = (post.title or "").strip(), (post.text or "").strip()
    text = body if not title or body.startswith(title) else f"{title}\n{body}"
    place, district = main_place(enrichment.places or [], text)
    return Facts(
        post=post,
        enrichment=enrichment,
        flags=flags,
        place=place,
        district=district,
        in_almere=enrichment.in_almere,
        event_time=enrichment.event_time,
        event_time_text=enrichment.event_time_text,
        minhash=clustering.minhash_of(text),
    )


def _conflicts(signal: Signal, facts: Facts) -> bool:
    """True when a text match must not merge because the post names another gathering.

    Only calls are compared on place and time: for other posts the place is a subject, not a
    meeting point, and a near-identical text is the same post. When one side does not name a
    day, only the time of day is compared: copies of one text that differ there are typos."""
    if CALL not in (signal.types or []) or CALL not in facts.flags:
        return False
    if signal.place and facts.place and not compatible_places(signal.place, facts.place):
        return True
    if signal.event_time and facts.event_time:
        a_text, b_text = signal.event_time_text, facts.event_time_text
        same_words = (a_text or "").strip().casefold() == (b_text or "").strip().casefold()
        seen = facts.post.fetched_at
        if same_words and seen and abs(seen - signal.last_activity_at) <= SAME_WORDS_SPAN:
            # The same words ("donderdag 14:00") seen within a few days of each other are the
            # same moment, even when the NLP resolved them against different publication days.
            return False
        if names_day(a_text) and names_day(b_text):
            return not same_time(signal.event_time, a_text, facts.event_time, b_text)
        if time_precision(a_text) == time_precision(b_text) > 0:
            return not same_clock(signal.event_time, facts.event_time)
    return False


def _usable(
    session: Session, index: clustering.SignalIndex, signal_id: int, key: str, now: datetime
) -> Signal | None:
    """The signal behind an index hit, if it still exists, is open and recent. A signal key is
    also checked against the stored signature, since ids can be reused after a rollback."""
    signal = session.get(Signal, signal_id)
    if signal is None or signal.status not in OPEN_STATUSES:
        return None
    if signal.last_activity_at < now - CLUSTER_WINDOW:
        return None
    if key.startswith("s") and signal.minhash != clustering.to_list(index.signatures[key]):
        return None
    return signal


def find_by_text(
    session: Session, index: clustering.SignalIndex, facts: Facts, now: datetime
) -> Signal | None:
    rejected: set[int] = set()
    for signal_id, sim, key in index.candidates(facts.minhash):
        if signal_id in rejected:
            continue
        signal = _usable(session, index, signal_id, key, now)
        if signal is None:
            continue  # this key is stale; another key may still vouch for the signal
        if _conflicts(signal, facts):
            rejected.add(signal_id)
            continue
        if sim < STRICT_SIMILARITY and _place_unknown_on_one_side(signal, facts):
            # Calls written from one template differ only in the place; when the NLP missed
            # the place ("Alemre Buiten"), a merely similar text may be a sibling call.
            continue
        return signal
    return None


def _place_unknown_on_one_side(signal: Signal, facts: Facts) -> bool:
    if CALL not in (signal.types or []) or CALL not in facts.flags:
        return False
    return (signal.place is None) != (facts.place is None)


def _call_at_time(signal: Signal, facts: Facts, now: datetime) -> bool:
    return (
        signal.event_time is not None
        and facts.event_time is not None
        and signal.status in OPEN_STATUSES
        # A partner's report (kind melding) at this place and time is the same gathering.
        and (CALL in (signal.types or []) or signal.kind == KIND_MELDING)
        and signal.last_activity_at >= now - CLUSTER_WINDOW
        and same_time(
            signal.event_time, signal.event_time_text, facts.event_time, facts.event_time_text
        )
    )


def find_by_gathering(
    session: Session, facts: Facts, now: datetime, touched: dict[int, Signal]
) -> Signal | None:
    """An open call at the same place and time. The same canonical place wins; failing that, a
    call that names only the city or a district joins the one call inside it at that time, and
    stays apart when there are several (it could be any of them). Signals touched in this call
    are checked in memory: their newest place and time are not flushed yet."""
    if CALL not in facts.flags or not facts.place or facts.event_time is None:
        return None
    rows = session.scalars(
        select(Signal).where(
            Signal.status.in_(OPEN_STATUSES),
            Signal.event_time >= facts.event_time - timedelta(days=1),
            Signal.event_time <= facts.event_time + timedelta(days=1),
            Signal.last_activity_at >= now - CLUSTER_WINDOW,
        )
    ).all()
    at_time = {s.id: s for s in [*touched.values(), *rows] if _call_at_time(s, facts, now)}
    event_time = facts.event_time
    exact = [s for s in at_time.values() if s.place == facts.place]
    if exact:
        return min(exact, key=lambda s: abs(s.event_time - event_time))
    inside = [
        s
        for s in at_time.values()
        if s.place
        and (place_kind(s.place) in COARSE_KINDS or place_kind(facts.place) in COARSE_KINDS)
        and compatible_places(s.place, facts.place)
    ]
    return inside[0] if len(inside) == 1 else None


def signal_of_earlier_version(
    session: Session, post: Post, touched: dict[int, Signal]
) -> Signal | None:
    """The open signal holding an earlier version of this (edited) post, if any."""
    first = post.version_of_id
    if first is None:
        return None
    rows = session.execute(
        select(SignalPost.signal_id)
        .join(Post, Post.id == SignalPost.post_id)
        .where(
            or_(Post.id == first, Post.version_of_id == first),
            Post.id != post.id,
        )
        .order_by(Post.version.desc())
    ).all()
    for (signal_id,) in rows:
        signal = touched.get(signal_id) or session.get(Signal, signal_id)
        if signal is not None and signal.status in OPEN_STATUSES:
            return signal
    return None
