"""What links the audit chain: the genesis hash and the hash of one event given the one before.

A leaf, so that the log (`signals.audit`) and its signed checkpoints (`signals.audit_checkpoints`)
share the rule without importing each other.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from signals.db.models import AuditEvent

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
