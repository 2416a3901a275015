"""The in-process near-duplicate index of open signals, kept in step with the database.

`signals.clustering` holds one MinHash/LSH index per database; this module fills it with the
signals other processes created since it last looked, and takes out again what a rolled-back
transaction added, so that a hit never points at a signal that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from nlp.vocabulary import OPEN_STATUSES
from signals import clustering
from signals.db.models import Signal
from signals.detection.matching import CLUSTER_WINDOW


def db_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


_PENDING = "signals.detection.pending_keys"


def forget_on_rollback(session: Session, index: clustering.SignalIndex, key: str) -> None:
    """Remember that `key` was indexed inside this transaction, so a rollback takes it out."""
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []

        def committed(sess: Session) -> None:
            sess.info.get(_PENDING, []).clear()

        def rolled_back(sess: Session) -> None:
            for idx, keys in _group(sess.info.get(_PENDING, [])).items():
                idx.remove_keys(keys)
            sess.info.get(_PENDING, []).clear()

        event.listen(session, "after_commit", committed)
        event.listen(session, "after_rollback", rolled_back)
    pending.append((index, key))


def _group(
    pending: list[tuple[clustering.SignalIndex, str]],
) -> dict[clustering.SignalIndex, list[str]]:
    grouped: dict[clustering.SignalIndex, list[str]] = {}
    for index, key in pending:
        grouped.setdefault(index, []).append(key)
    return grouped


def refresh_index(session: Session, index: clustering.SignalIndex, now: datetime) -> None:
    """Add signals created since the index last looked (by this or another process)."""
    rows = session.execute(
        select(Signal.id, Signal.minhash)
        .where(
            Signal.id > index.max_signal_id,
            Signal.status.in_(OPEN_STATUSES),
            Signal.last_activity_at >= now - CLUSTER_WINDOW,
        )
        .order_by(Signal.id)
    ).all()
    for signal_id, values in rows:
        mh = clustering.from_list(values or [])
        if mh is not None:
            index.add(f"s{signal_id}", signal_id, mh)
        index.max_signal_id = max(index.max_signal_id, signal_id)
