"""The append-only, hash-chained audit log. Details hold ids and counts, never content."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from signals.db.models import AuditEvent
from signals.db.types import utcnow

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    ts: datetime = event.ts
    payload = {
        "ts": ts.replace(tzinfo=None).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "actor_role": event.actor_role,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "purpose": event.purpose,
        "details": event.details or {},
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(event)).hexdigest()


def _last_hash(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appenders for the rest of this transaction so the chain cannot fork.
        session.execute(text("SELECT pg_advisory_xact_lock(727274)"))
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
    return event


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order; report the first row whose link or content does not hold."""
    prev = None
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return VerifyResult(ok=True, checked=checked)
        for event in rows:
            if prev is not None and event.prev_hash != prev:
                return VerifyResult(
                    False, checked, event.id, "prev_hash does not match the row before"
                )
            if compute_hash(event.prev_hash, event) != event.hash:
                return VerifyResult(False, checked, event.id, "content does not match its hash")
            prev = event.hash
            checked += 1
            last_id = event.id
        session.expunge_all()
