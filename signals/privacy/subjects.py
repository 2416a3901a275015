"""Data-subject requests (AVG art. 15 access, art. 17 erasure).

The system holds no handles, only per-period keyed pseudonyms. A request names a handle and a
source; we recompute the pseudonym for every period whose key still exists and find the
records that hold it. A shredded period cannot be searched, which is the point. Only an admin
may do this, the request's reference is recorded, and the handle itself is never stored or
audited (that would rebuild the link the pseudonyms break)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from signals.db.models import AuthorEscrow, LabelCorrection, Post, Signal, SignalPost
from signals.indexing import index_signals
from signals.privacy.access import PrivacyError, record_request, require_role
from signals.privacy.pseudonym import Pseudonymizer, from_settings
from signals.search.base import SearchBackend

CASE_STATUSES = ("escalated", "closed")


def _check_reference(reference: str) -> str:
    reference = (reference or "").strip()
    if not reference:
        raise PrivacyError("Vermeld het kenmerk van het verzoek (--reference).")
    return reference[:128]


def _matching_posts(
    session: Session, handle: str, source_id: str, pseudonymizer: Pseudonymizer
) -> tuple[list[Post], list[str]]:
    wanted = []
    searched: list[str] = []
    for period in pseudonymizer.periods():
        pseudonym = pseudonymizer.pseudonym_in_period(handle, source_id, period)
        if pseudonym is not None:
            searched.append(period)
            wanted.append(and_(Post.author_pseudonym == pseudonym, Post.pseudonym_period == period))
    if not wanted:
        return [], searched
    posts = session.scalars(
        select(Post).where(Post.source_id == source_id, or_(*wanted)).order_by(Post.id)
    ).all()
    return list(posts), searched


def lookup(
    session: Session,
    handle: str,
    source_id: str,
    *,
    actor: str,
    reference: str,
    pseudonymizer: Pseudonymizer | None = None,
) -> list[dict[str, Any]]:
    """The records holding this handle's pseudonym (for an access request). Audited."""
    reference = _check_reference(reference)
    require_role(session, actor, "admin", action="privacy.lookup", target_id=reference)
    posts, periods = _matching_posts(session, handle, source_id, pseudonymizer or from_settings())
    ids = [p.id for p in posts]
    signal_of: dict[int, list[int]] = {}
    if ids:
        for post_id, signal_id in session.execute(
            select(SignalPost.post_id, SignalPost.signal_id).where(SignalPost.post_id.in_(ids))
        ):
            signal_of.setdefault(post_id, []).append(signal_id)
    escrowed = set(
        session.scalars(select(AuthorEscrow.post_id).where(AuthorEscrow.post_id.in_(ids)))
    )
    records = [
        {
            "post_id": p.id,
            "source_id": p.source_id,
            "url": p.url,
            "title": p.title,
            "text": p.text,
            "published_at": p.published_at.isoformat() if p.published_at else None,
            "collected_at": p.fetched_at.isoformat(),
            "pseudonym_period": p.pseudonym_period,
            "signal_ids": sorted(signal_of.get(p.id, [])),
            "author_in_escrow": p.id in escrowed,
        }
        for p in posts
    ]
    record_request(
        session, actor, "privacy.lookup", reference, "inzageverzoek (AVG art. 15)",
        source_id=source_id, periods_searched=periods, post_ids=ids,
    )
    return records


def erase(
    session: Session,
    backend: SearchBackend | None,
    handle: str,
    source_id: str,
    *,
    actor: str,
    reference: str,
    pseudonymizer: Pseudonymizer | None = None,
) -> dict[str, list[int]]:
    """Remove the records holding this handle's pseudonym from the database and the index
    (for an erasure request). Signals left without posts go too, except escalated or closed
    cases, which keep their decisions. Returns the ids removed/updated. Audited."""
    reference = _check_reference(reference)
    require_role(session, actor, "admin", action="privacy.erase", target_id=reference)
    posts, periods = _matching_posts(session, handle, source_id, pseudonymizer or from_settings())
    ids = [p.id for p in posts]
    touched: set[int] = set()
    if ids:
        touched = set(
            session.scalars(select(SignalPost.signal_id).where(SignalPost.post_id.in_(ids)))
        )
        # Label corrections copy the text; the subject's words go with the post.
        session.execute(delete(LabelCorrection).where(LabelCorrection.post_id.in_(ids)))
        session.execute(delete(Post).where(Post.id.in_(ids)))
        session.expire_all()
    emptied: list[int] = []
    updated: list[int] = []
    for signal_id in sorted(touched):
        signal = session.get(Signal, signal_id)
        if signal is None:
            continue
        remaining = session.scalar(
            select(func.count()).select_from(SignalPost).where(SignalPost.signal_id == signal_id)
        )
        if remaining == 0 and signal.status not in CASE_STATUSES:
            session.delete(signal)
            emptied.append(signal_id)
        else:
            signal.post_count = remaining or 0
            updated.append(signal_id)
    session.flush()
    if backend is not None:
        backend.delete("posts", ids)
        backend.delete("signals", emptied)
        # Signal documents concatenate their posts' text: rewrite them without the erased posts.
        index_signals(session, backend, updated)
    record_request(
        session, actor, "privacy.erase", reference, "verwijderverzoek (AVG art. 17)",
        source_id=source_id, periods_searched=periods, post_ids=ids,
        signals_deleted=emptied, signals_updated=updated,
    )
    return {"post_ids": ids, "signals_deleted": emptied, "signals_updated": updated}
