"""Leases (table `source_leases`): one holder at a time per source, so that `signals watch` and
the Airflow DAG never poll the same source, and (lease `_process`) never tag or cluster the same
posts at once. A lease ends when released or when it expires (its holder died), so a crash
blocks a source for at most the lease's time to live.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Engine, delete, insert, or_, update
from sqlalchemy.exc import IntegrityError

from signals.db.models import SourceLease
from signals.db.session import session_scope
from signals.db.types import utcnow

PROCESS_LEASE = "_process"
# A source's lease outlives its longest poll (a page crawl may take crawl_timeout_s) with room
# for storing and processing; a dead holder blocks the source at most this long.
SOURCE_LEASE_TTL_S = 15 * 60.0
PROCESS_LEASE_TTL_S = 30 * 60.0


def holder_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"[:128]


def acquire_lease(engine: Engine, source_id: str, holder: str, ttl_s: float) -> bool:
    """Take (or renew) the lease of `source_id` for `holder`; False if someone else holds an
    unexpired one. Atomic on SQLite and PostgreSQL: one conditional UPDATE, else one INSERT
    that the primary key lets only one contender win."""
    table = SourceLease.__table__
    now = utcnow()
    values = {"holder": holder, "expires_at": now + timedelta(seconds=ttl_s), "acquired_at": now}
    with engine.begin() as conn:
        taken = conn.execute(
            update(table)
            .where(table.c.source_id == source_id)
            .where(or_(table.c.expires_at < now, table.c.holder == holder))
            .values(**values)
        ).rowcount
    if taken:
        return True
    try:
        with engine.begin() as conn:
            conn.execute(insert(table).values(source_id=source_id, **values))
    except IntegrityError:
        return False
    return True


def release_lease(engine: Engine, source_id: str, holder: str) -> None:
    table = SourceLease.__table__
    with engine.begin() as conn:
        conn.execute(
            delete(table).where(table.c.source_id == source_id, table.c.holder == holder)
        )


def lease_holder(engine: Engine, source_id: str) -> str | None:
    """The holder of an unexpired lease on `source_id`, if any."""
    with session_scope(engine) as session:
        lease = session.get(SourceLease, source_id)
        if lease is None or lease.expires_at < utcnow():
            return None
        return lease.holder


@contextmanager
def held_lease(
    engine: Engine,
    source_id: str,
    holder: str,
    *,
    ttl_s: float = PROCESS_LEASE_TTL_S,
    wait_s: float = 0.0,
    stop: threading.Event | None = None,
) -> Iterator[bool]:
    """Hold the lease for the block, waiting up to `wait_s` for it (or until `stop` is set);
    yields whether it was obtained."""
    deadline = time.monotonic() + wait_s
    pause = 0.05
    got = acquire_lease(engine, source_id, holder, ttl_s)
    while not got and time.monotonic() < deadline and not (stop and stop.is_set()):
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, 1.0)
        got = acquire_lease(engine, source_id, holder, ttl_s)
    try:
        yield got
    finally:
        if got:
            release_lease(engine, source_id, holder)
