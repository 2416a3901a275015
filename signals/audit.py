"""The append-only, hash-chained audit log. Details hold ids and counts, never content."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from signals.actor import Actor
from signals.audit_checkpoints import load_for, note_append
from signals.audit_hash import GENESIS, compute_hash
from signals.db.models import AuditEvent
from signals.db.types import utcnow


def _lock_chain(session: Session) -> None:
    """Serialise appenders for the rest of this transaction so the chain cannot fork: the
    head read below and the insert after it must not interleave with another appender's."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Released at commit or rollback; READ COMMITTED then sees the previous appender's row.
        session.execute(text("SELECT pg_advisory_xact_lock(727274)"))
    elif dialect == "sqlite":
        # pysqlite opens a deferred transaction only before the first write, so a request that
        # has only read would read the head outside any lock. BEGIN IMMEDIATE takes SQLite's
        # single write lock now (waiting up to busy_timeout) and reads the newest head under
        # it. A transaction that has already written holds that lock since its first write.
        dbapi = session.connection().connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            dbapi.execute("BEGIN IMMEDIATE")


def _last_hash(session: Session) -> str:
    _lock_chain(session)
    last = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    return last or GENESIS


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    actor_role: str | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    purpose: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits with the act it records)."""
    session.flush()
    event = AuditEvent(
        ts=utcnow(),
        actor=actor,
        actor_role=actor_role,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        purpose=purpose,
        details=json.loads(json.dumps(details or {}, default=str)),
    )
    event.prev_hash = _last_hash(session)
    event.hash = compute_hash(event.prev_hash, event)
    session.add(event)
    session.flush()
    note_append(session, event.id, action)  # a checkpoint after the commit every N events
    return event


def record_as(session: Session, actor: Actor, *, action: str, **fields: Any) -> AuditEvent:
    """`record` of an act by `actor` (`fields`: target_type, target_id, purpose, details). An
    actor without a role (an operator at the shell, the demo) is recorded as having none, not
    an empty one."""
    return record(
        session, actor=actor.username, actor_role=actor.role or None, action=action, **fields
    )


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None
    problems: tuple[str, ...] = ()  # every finding, in order; `reason` is the first
    checkpoints: int = 0  # how many checkpoints were checked
    first_id: int | None = None
    last_id: int | None = None
    unanchored: int = 0  # events after the newest valid checkpoint (not yet anchored outside)


@dataclass(slots=True)
class _Walk:
    """What one pass over the chain learns: links, and the rows checkpoints point at."""

    checked: int = 0
    first_id: int | None = None
    first_prev: str | None = None
    last_id: int | None = None
    breaks: list[tuple[int, str]] = field(default_factory=list)
    at: dict[int, tuple[str | None, int]] = field(default_factory=dict)  # id -> (hash, rows ≤ id)
    purge_anchors: dict[str, int] = field(default_factory=dict)  # anchor hash -> purge event id


MAX_REPORTED = 20


def _walk(session: Session, wanted: list[int], batch: int) -> _Walk:
    walk = _Walk()
    pending = sorted(set(wanted))
    prev: AuditEvent | None = None
    prev_hash: str | None = None
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            while pending and pending[0] < event.id:
                walk.at[pending.pop(0)] = (None, walk.checked)
            if walk.first_id is None:
                walk.first_id, walk.first_prev = event.id, event.prev_hash
            elif event.prev_hash != prev_hash and len(walk.breaks) < MAX_REPORTED:
                before = prev.id if prev is not None else 0
                gap = (
                    f"{_missing(before + 1, event.id - 1)} missing or altered"
                    if event.id - before > 1
                    else "a row was inserted, altered or forked off"
                )
                walk.breaks.append(
                    (event.id, f"row {event.id} does not link to row {before} before it: {gap}")
                )
            if (
                compute_hash(event.prev_hash, event) != event.hash
                and len(walk.breaks) < MAX_REPORTED
            ):
                walk.breaks.append((event.id, f"row {event.id}: content does not match its hash"))
            if event.action == "retention.purge":
                anchor = (event.details or {}).get("audit_anchor_hash")
                if anchor:
                    walk.purge_anchors[str(anchor)] = event.id
            walk.checked += 1
            if pending and pending[0] == event.id:
                walk.at[pending.pop(0)] = (event.hash, walk.checked)
            prev, prev_hash, last_id = event, event.hash, event.id
        walk.last_id = last_id
        session.expunge_all()
    for wanted_id in pending:
        walk.at[wanted_id] = (None, walk.checked)
    return walk


def _missing(first: int, last: int) -> str:
    """The start of a sentence about missing rows: `row 7 is` or `rows 1–100 are`."""
    return f"row {first} is" if first == last else f"rows {first}–{last} are"


def _checkpoint_problems(walk: _Walk, anchors: Any) -> list[tuple[int | None, str]]:
    """Compare the walked chain with the signed checkpoints (signals/audit_checkpoints.py)."""
    problems: list[tuple[int | None, str]] = [(None, p) for p in anchors.problems]
    valid = [cp for cp in anchors.checkpoints if cp.signature_ok]
    for cp in anchors.checkpoints:
        if not cp.signature_ok:
            problems.append((cp.last_id, f"{cp.label()} signature invalid"))
    base = valid[-1] if valid else None
    base_id, base_hash = (base.base_id, base.base_hash) if base else (0, GENESIS)
    base_count = base.base_count if base else 0
    # The start: genesis, or the anchor of the last signed retention purge.
    # Where the stored chain began, as the checkpoints since the last purge saw it.
    starts = [cp.first_id for cp in valid if cp.base_id == base_id and cp.first_id > base_id]
    known_start = min(starts, default=base_id + 1)
    # Without any checkpoint the chain has no outside anchor at all; then the purge's own
    # audit event is the best evidence of where the stored chain legitimately starts. With
    # checkpoints only a signed retention checkpoint counts (the event could be forged).
    unsigned_purge = walk.purge_anchors.get(walk.first_prev or "")
    if not valid and unsigned_purge is not None:
        base_hash = walk.first_prev or GENESIS
    if walk.first_id is not None and walk.first_prev not in {GENESIS, base_hash}:
        missing = (
            f"{_missing(known_start, walk.first_id - 1)} missing: "
            if walk.first_id > known_start
            else ""
        )
        start = "genesis" if base_id == 0 else f"genesis or the retention anchor of {base.label()}"  # type: ignore[union-attr]
        claim = (
            f" (retention.purge event {unsigned_purge} names it, but no signed checkpoint does)"
            if unsigned_purge is not None
            else ""
        )
        problems.append(
            (
                walk.first_id,
                f"{missing}first row id {walk.first_id} does not link to {start}{claim}",
            )
        )
    elif walk.first_id is not None and walk.first_prev == GENESIS and base_id > 0:
        problems.append(
            (
                walk.first_id,
                f"first row id {walk.first_id} links to genesis, but {base.label()} "  # type: ignore[union-attr]
                f"recorded that rows up to id {base_id} were purged: the chain was rebuilt",
            )
        )
    head = walk.last_id or 0
    newest = max(valid, key=lambda cp: cp.last_id, default=None)
    if newest is not None and newest.last_id > base_id and head < newest.last_id:
        problems.append(
            (
                head + 1,
                f"chain ends at id {head} but {newest.label()} recorded id {newest.last_id}: "
                f"{_missing(head + 1, newest.last_id)} missing",
            )
        )
    previous = None  # the last checkpoint still inside the stored chain
    for cp in valid:
        if cp.last_id <= base_id:
            continue  # its rows were purged by retention, as a later checkpoint records
        stored_hash, rows_upto = walk.at.get(cp.last_id, (None, 0))
        if stored_hash is None and cp.last_id <= head:
            problems.append((cp.last_id, f"row {cp.last_id} recorded by {cp.label()} is missing"))
        elif stored_hash is not None and stored_hash != cp.head_hash:
            problems.append(
                (
                    cp.last_id,
                    f"row {cp.last_id} does not match {cp.label()}: the chain was rewritten "
                    f"at or before id {cp.last_id}",
                )
            )
        from_id, from_count, from_rows = (
            (previous.last_id, previous.count, walk.at[previous.last_id][1])
            if previous is not None
            else (base_id, base_count, 0)
        )
        expected = cp.count - from_count
        actual = rows_upto - from_rows
        if actual < expected and cp.last_id <= head:
            problems.append(
                (
                    from_id + 1,
                    f"{expected - actual} of {expected} rows between id {from_id + 1} and "
                    f"{cp.last_id} are missing ({cp.label()} counted {cp.count} events up to "
                    f"id {cp.last_id})",
                )
            )
        elif actual > expected:
            problems.append(
                (
                    from_id + 1,
                    f"{actual - expected} rows more between id {from_id + 1} and {cp.last_id} "
                    f"than {cp.label()} counted: rows were inserted",
                )
            )
        previous = cp
    return problems


def verify(session: Session, batch: int = 5000, anchors: Any = None) -> VerifyResult:
    """Walk the chain in id order and check every link and hash, that the first row links to
    genesis (or to a signed retention anchor), and the chain against every signed checkpoint.
    `anchors` is a `signals.audit_checkpoints.CheckpointLog`; by default the configured one."""
    if anchors is None:
        anchors = load_for(session)
    wanted = [cp.last_id for cp in anchors.checkpoints]
    walk = _walk(session, wanted, batch)
    found: list[tuple[int | None, str]] = list(walk.breaks)
    found += _checkpoint_problems(walk, anchors)
    anchored = [walk.at[cp.last_id][1] for cp in anchors.checkpoints if cp.signature_ok]
    unanchored = max(0, walk.checked - max(anchored, default=0))
    if not found:
        return VerifyResult(
            ok=True,
            checked=walk.checked,
            checkpoints=len(anchors.checkpoints),
            first_id=walk.first_id,
            last_id=walk.last_id,
            unanchored=unanchored,
        )
    ids = [i for i, _ in found if i is not None]
    return VerifyResult(
        ok=False,
        checked=walk.checked,
        first_broken_id=min(ids) if ids else None,
        reason=found[0][1],
        problems=tuple(p for _, p in found),
        checkpoints=len(anchors.checkpoints),
        first_id=walk.first_id,
        last_id=walk.last_id,
        unanchored=unanchored,
    )
