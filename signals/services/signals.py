"""One signal, for the page and the JSON API alike: reading it (audited), deciding on it
(a refusal is audited too) and keeping the search index in step afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from signals.config import Settings
from signals.db.models import Decision
from signals.db.unit_of_work import after_commit, keep
from signals.errors import NotFound
from signals.indexing import index_signals
from signals.protocol import active_version
from signals.queries import SignalDetail, signal_detail
from signals.services import Actor, record_as
from signals.services.search import backend_or_none
from signals.triage import DecisionRequest, TriageError, record_refusal
from signals.triage import decide as triage_decide

log = logging.getLogger(__name__)


def active_protocol_version(session: Session) -> str | None:
    row = active_version(session)
    return row.version_id if row else None


def load_detail(session: Session, signal_id: int) -> SignalDetail:
    detail = signal_detail(session, signal_id)
    if detail is None:
        raise NotFound(f"Signaal {signal_id} bestaat niet.")
    return detail


def view_signal(session: Session, actor: Actor, signal_id: int, *, channel: str) -> SignalDetail:
    """The signal with its posts, decisions and notes; the look is audited (ids, not text)."""
    detail = load_detail(session, signal_id)
    details: dict[str, Any] = {"channel": channel}
    note_ids = [note.id for note in detail.notes]
    if note_ids:
        details["note_ids"] = note_ids  # the notes shown with the signal
    record_as(
        session, actor, action="signal.view", target_type="signal", target_id=signal_id,
        purpose="triage", details=details,
    )
    return detail


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def author_aliases(pseudonyms: list[str | None]) -> list[str | None]:
    """Per-signal aliases (A, B, C ... Z, AA ...) in order of first appearance. The pseudonym
    itself never leaves the server here: walking signal ids must not link one author's posts
    across signals (the privacy tools keep working on the stored pseudonym)."""
    seen: dict[str, str] = {}
    out: list[str | None] = []
    for value in pseudonyms:
        if not value:
            out.append(None)
            continue
        if value not in seen:
            seen[value] = _letters(len(seen))
        out.append(seen[value])
    return out


def reindex_after_commit(session: Session, settings: Settings, signal_ids: Iterable[int]) -> None:
    """Mirror these signals into the search index once the change is committed. The index is a
    mirror: a failure is logged and repaired by `signals reindex`, never shown as a failed act."""
    ids = sorted(set(signal_ids))
    if not ids:
        return

    def reindex(own: Session) -> None:
        backend = backend_or_none(settings)
        if backend is None:
            return
        try:
            index_signals(own, backend, ids)
        except Exception:
            log.exception("could not re-index signals %s", ids)

    after_commit(session, reindex)


def decide(
    session: Session,
    actor: Actor,
    settings: Settings,
    request: DecisionRequest,
) -> Decision:
    """Decide on a signal under the active protocol version. A refusal (stale version, a step
    the state machine does not allow, a missing rationale) is audited and stays audited when the
    attempt is rolled back; an unknown signal is a plain 404."""
    try:
        decision = triage_decide(
            session, request, actor=actor, protocol_version=active_protocol_version(session)
        )
    except TriageError as exc:
        if exc.status_code != 404:
            refusal = exc  # `exc` is unbound once the except block ends

            def write_refusal(own: Session) -> None:
                record_refusal(own, request.signal_id, request.to_status, refusal, actor=actor)

            keep(session, write_refusal)
        raise
    reindex_after_commit(session, settings, [request.signal_id])
    return decision
