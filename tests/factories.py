"""Builders for the records the tests need: a post, its enrichment, a signal with its posts.

The defaults describe one ordinary case, a call to gather on the Stadhuisplein in Almere Stad.
A test passes explicitly every value its assertions depend on, so that a change of default here
cannot change what a test means. The builders flush but never commit (the caller owns the
transaction), except `make_call_signal`, which takes an engine and commits its own scenario.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nlp.vocabulary import CALL, LABELS, NOT_NOTIFIED
from signals.db.models import (
    Decision,
    Enrichment,
    Post,
    RegisterEntry,
    Signal,
    SignalPost,
    User,
)
from signals.db.session import session_scope

PSEUDONYM: Final = "ps:0123456789abcdef0123"
CALL_TEXT: Final = "Zaterdag 14:00 allemaal naar het Stadhuisplein, laat je horen!"
CALL_TITLE: Final = "Oproep: verzamelen op het Stadhuisplein"
# Stands for "the same moment as fetched_at" where None would mean "no value".
SAME: Final = "same"

_serial = itertools.count(1)
_Row = TypeVar("_Row")


def _flushed(session: Session, row: _Row) -> _Row:
    """`row` added to the session and flushed (so it has its id)."""
    session.add(row)
    session.flush()
    return row


def place(
    name: str, district: str | None = "Almere Stad", in_almere: bool = True
) -> dict[str, Any]:
    """A place as the enricher stores it."""
    return {"text": name, "canonical": name, "district": district, "in_almere": in_almere}


def label_scores(
    flags: Iterable[str],
    probs: Mapping[str, float] | None = None,
    *,
    labels: Iterable[str] = LABELS,
    flagged: float = 0.9,
    other: float = 0.05,
) -> dict[str, dict[str, Any]]:
    """`{label: {"p": ..., "flag": ...}}` for each label: flagged ones at `flagged`, the rest at
    `other`, unless `probs` names the probability."""
    flagged_set = set(flags)
    probs = probs or {}
    return {
        name: {"p": probs.get(name, flagged if name in flagged_set else other),
               "flag": name in flagged_set}
        for name in labels
    }


def make_post(
    session: Session,
    *,
    text: str = CALL_TEXT,
    title: str = "",
    source_id: str = "demo-feed",
    key: str | None = None,
    url: str | None = None,
    content_hash: str | None = None,
    author: str | None = PSEUDONYM,
    fetched_at: datetime | None = None,
    published_at: datetime | str | None = SAME,
    enriched: bool = True,
    **columns: Any,
) -> Post:
    """A stored post. `key` makes its URL and content hash unique (a serial number if absent);
    `published_at` is `fetched_at` unless given (None for "not known")."""
    key = key or f"{source_id}/{next(_serial)}"
    fetched = fetched_at or datetime.now(UTC)
    url = url or f"https://example.org/{key}"
    post = Post(
        source_id=source_id,
        url=url,
        canonical_url=columns.pop("canonical_url", url),
        content_hash=content_hash or f"h-{key}",
        title=title,
        text=text,
        author_pseudonym=author,
        fetched_at=fetched,
        published_at=fetched if published_at == SAME else published_at,
        enriched=enriched,
        **columns,
    )
    return _flushed(session, post)


def make_enrichment(
    session: Session,
    post_id: int,
    *,
    flags: Sequence[str] = (CALL,),
    probs: Mapping[str, float] | None = None,
    labels: Mapping[str, Any] | None = None,
    places: Sequence[Mapping[str, Any]] = (place("Stadhuisplein"),),
    in_almere: bool | None = True,
    event_time: datetime | None = None,
    event_time_text: str | None = SAME,
    evidence: Sequence[Mapping[str, Any]] = (),
    explanations: Mapping[str, Any] | None = None,
    model_version: str = "test-1",
    **columns: Any,
) -> Enrichment:
    """The enrichment of a post. Labels come from `flags` and `probs` (see `label_scores`)
    unless `labels` gives them whole; `event_time_text` is "zaterdag 14:00" when there is an
    event time, unless given."""
    if event_time_text == SAME:
        event_time_text = "zaterdag 14:00" if event_time else None
    enrichment = Enrichment(
        post_id=post_id,
        model_version=model_version,
        labels=dict(labels) if labels is not None else label_scores(flags, probs),
        flags=list(flags),
        places=[dict(p) for p in places],
        in_almere=in_almere,
        event_time=event_time,
        event_time_text=event_time_text,
        evidence=[dict(e) for e in evidence],
        explanations=dict(explanations or {}),
        **columns,
    )
    return _flushed(session, enrichment)


def make_enriched_post(
    session: Session,
    *,
    post: Mapping[str, Any] | None = None,
    **enrichment: Any,
) -> int:
    """A post (fields in `post`) with one enrichment (the keyword arguments); its id."""
    stored = make_post(session, **dict(post or {}))
    make_enrichment(session, stored.id, **enrichment)
    return stored.id


def make_signal(
    session: Session,
    *,
    types: Sequence[str] = (CALL,),
    status: str = "new",
    severity: float = 0.5,
    title: str = "Oproep tot samenkomst",
    post_ids: Sequence[int] = (),
    first_seen_at: datetime | None = None,
    last_activity_at: datetime | None = None,
    **columns: Any,
) -> Signal:
    """A stored signal linked to `post_ids`; `post_count` is their number unless given, and
    `last_activity_at` is `first_seen_at` (now if absent) unless given."""
    first = first_seen_at or datetime.now(UTC)
    columns.setdefault("post_count", len(post_ids))
    columns.setdefault("source_count", 1 if post_ids else 0)
    signal = Signal(
        types=list(types),
        status=status,
        severity=severity,
        title=title,
        first_seen_at=first,
        last_activity_at=last_activity_at or first,
        **columns,
    )
    _flushed(session, signal)
    for post_id in post_ids:
        session.add(SignalPost(signal_id=signal.id, post_id=post_id))
    session.flush()
    return signal


def make_decision(
    session: Session,
    signal_id: int,
    to_status: str,
    *,
    from_status: str = "in_review",
    actor: str = "ana",
    rationale: str = "",
    **columns: Any,
) -> Decision:
    """A stored decision on a signal (status change by `actor`), flushed."""
    return _flushed(session, Decision(signal_id=signal_id, from_status=from_status,
                                      to_status=to_status, actor=actor, rationale=rationale,
                                      **columns))


def make_user(session: Session, username: str, role: str, *, active: bool = True) -> User:
    """A stored account without a usable password, flushed: for tests that act as a user
    without logging in (argon2 hashing is slow on purpose)."""
    return _flushed(
        session, User(username=username, role=role, password_hash="-", active=active)
    )


def make_register_entry(
    session: Session,
    reference: str,
    *,
    place: str = "Stadhuisplein",
    start_at: datetime | None = None,
    hours: float = 2,
    **columns: Any,
) -> RegisterEntry:
    """A stored entry of the register of notified manifestations, `hours` long from
    `start_at` (now if absent), flushed."""
    start = start_at or datetime.now(UTC)
    end = start + timedelta(hours=hours)
    return _flushed(session, RegisterEntry(reference=reference, place=place, start_at=start,
                                           end_at=end, **columns))


def call_breakdown(severity: float) -> dict[str, Any]:
    """A severity breakdown as scoring leaves it for a call to gather two days ahead."""
    return {
        "total": severity,
        "components": [
            {"key": "content", "name": "Inhoud", "score": 0.45, "max": 0.5,
             "explanation": "oproep tot samenkomst: kans 0.93"},
            {"key": "urgency", "name": "Urgentie", "score": 0.2, "max": 0.2,
             "explanation": "over 2 dagen"},
        ],
        "formula": "docs/severity.md",
    }


CALL_LABELS: Final = {
    "call_to_gathering": {"p": 0.93, "flag": True},
    "anti_government": {"p": 0.12, "flag": False},
    "polarising": {"p": 0.05, "flag": False},
    "threat": {"p": 0.02, "flag": False},
}


def make_call_signal(
    engine: Engine,
    *,
    title: str = CALL_TITLE,
    text: str = CALL_TEXT,
    status: str = "new",
    severity: float = 0.8,
    types: list[str] | None = None,
    district: str | None = "Almere Stad",
    n_posts: int = 1,
    key: str = "a",
    notification: str | None = NOT_NOTIFIED,
) -> int:
    """A committed call-to-gather signal as detection leaves it, with `n_posts` enriched posts
    (place evidence and word explanations included): what the web pages show. Its id."""
    now = datetime.now(UTC)
    event_time = now + timedelta(days=2)
    with session_scope(engine) as session:
        signal = make_signal(
            session,
            types=types or [CALL],
            status=status,
            severity=severity,
            severity_breakdown=call_breakdown(severity),
            title=title,
            place="Stadhuisplein" if district else None,
            district=district,
            in_almere=True,
            event_time=event_time,
            event_time_text="zaterdag 14:00",
            notification_status=notification,
            post_count=n_posts,
            source_count=1,
            first_seen_at=now,
        )
        full = f"{title}\n{text}"
        at = full.find("Stadhuisplein")
        evidence = (
            [{"start": at, "end": at + len("Stadhuisplein"), "text": "Stadhuisplein",
              "kind": "place"}]
            if at >= 0
            else []
        )
        for i in range(n_posts):
            post = make_post(
                session, text=text, title=title, key=f"{key}/{signal.id}/{i}",
                content_hash=f"{key}-{signal.id}-{i}", fetched_at=now,
            )
            make_enrichment(
                session, post.id, labels=CALL_LABELS, places=[place("Stadhuisplein", district)],
                event_time=event_time, evidence=evidence,
                explanations={CALL: [["verzamelen", 1.7], ["allemaal", 0.9]]},
            )
            session.add(SignalPost(signal_id=signal.id, post_id=post.id))
        return signal.id
