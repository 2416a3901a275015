"""Which register entry a call matches, and which open calls a register change may affect."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import CALL, OPEN_STATUSES, REGISTER_ACTIVE_STATUSES
from signals.config import get_settings
from signals.db.models import RegisterEntry, Signal
from signals.register.places import canonical_place, same_place


def match_margin() -> timedelta:
    """How far outside an entry's start/end a call's time may fall (SIGNALS_REGISTER_MARGIN_MIN,
    read by `Settings`)."""
    return get_settings().register_margin


def is_active(status: str | None) -> bool:
    """Whether an entry with this status announces its gathering: only an active notification
    makes a gathering "aangemeld" (a withdrawn or cancelled one does not)."""
    return (status or "").strip().lower() in REGISTER_ACTIVE_STATUSES


def match(
    session: Session,
    place_canonical: str | None,
    event_time: datetime | None,
    *,
    margin: timedelta | None = None,
) -> RegisterEntry | None:
    """The active register entry for this place whose window (start - margin, end + margin)
    holds `event_time`; the one starting closest to it when several do. Places compare by
    canonical name, fuzzily, so a misspelling on either side still matches."""
    if not place_canonical or event_time is None:
        return None
    margin = match_margin() if margin is None else margin
    candidates = session.scalars(
        select(RegisterEntry).where(
            RegisterEntry.start_at <= event_time + margin,
            RegisterEntry.end_at >= event_time - margin,
        )
    ).all()
    wanted = canonical_place(place_canonical) or place_canonical
    hits = [
        e
        for e in candidates
        if is_active(e.status)
        and (same_place(wanted, e.place_canonical) or same_place(wanted, e.place))
    ]
    if not hits:
        return None
    return min(hits, key=lambda e: abs((e.start_at - event_time).total_seconds()))


def affected_signal_ids(
    session: Session,
    entries: list[RegisterEntry],
    *,
    extra_windows: list[tuple[datetime, datetime]] | None = None,
) -> list[int]:
    """The open calls a register change can affect: those linked to the entries and those whose
    event time falls in an entry's (old or new) window. The caller re-scores them."""
    windows = [(e.start_at, e.end_at) for e in entries] + list(extra_windows or [])
    if not windows:
        return []
    margin = match_margin()
    low = min(start for start, _ in windows) - margin
    high = max(end for _, end in windows) + margin
    rows = session.execute(
        select(Signal.id, Signal.types).where(
            Signal.status.in_(OPEN_STATUSES),
            (Signal.register_entry_id.in_([e.id for e in entries]))
            | (Signal.event_time.between(low, high)),
        )
    ).all()
    return [sid for sid, types in rows if CALL in (types or [])]
