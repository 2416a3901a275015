"""The register of notified manifestations as people change it: create, edit, import.

Each act changes the register (`signals.register`), re-scores the open calls the change may
affect (`signals.detection.lifecycle.refresh_signals`: "aangemeld" or "niet aangemeld", severity,
title) and writes one audit record, all in the caller's transaction."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from signals import audit
from signals.db.models import RegisterEntry
from signals.detection.lifecycle import refresh_signals
from signals.register import csv_import, entries
from signals.register.csv_import import ImportResult
from signals.services import Actor

PURPOSE = "registratie aangemelde manifestaties"
# An operator at the server's shell (`signals register import`) and the demo act without an
# account: their Actor has no role (""), and the audit record says so (no role) rather than
# claim one.


def create_entry(session: Session, actor: Actor, **fields: object) -> RegisterEntry:
    """Add one entry (see `signals.register.entries.create_entry` for the fields)."""
    change = entries.create_entry(session, **fields)
    rematched = refresh_signals(session, change.affected_signal_ids)
    audit.record(
        session,
        actor=actor.username,
        actor_role=actor.role or None,
        action="register.create",
        target_type="register_entry",
        target_id=change.entry.id,
        purpose=PURPOSE,
        details={"entry_id": change.entry.id, "signals_rematched": len(rematched)},
    )
    return change.entry


def update_entry(
    session: Session, actor: Actor, entry_id: int, *, expected_version: int, **fields: object
) -> RegisterEntry:
    """Change an entry if nobody else changed it since `expected_version` was read."""
    change = entries.update_entry(session, entry_id, expected_version=expected_version, **fields)
    if not change.changed_fields:
        return change.entry
    rematched = refresh_signals(session, change.affected_signal_ids)
    audit.record(
        session,
        actor=actor.username,
        actor_role=actor.role or None,
        action="register.update",
        target_type="register_entry",
        target_id=change.entry.id,
        purpose=PURPOSE,
        details={
            "entry_id": change.entry.id,
            "fields": change.changed_fields,
            "version": change.entry.version,
            "signals_rematched": len(rematched),
        },
    )
    return change.entry


def import_csv(session: Session, actor: Actor, path: str | Path) -> ImportResult:
    """Import a CSV file, all rows or none (`errors` says why none)."""
    result = csv_import.import_csv(session, path)
    if not result.ok:
        return result
    rematched = refresh_signals(session, result.affected_signal_ids)
    audit.record(
        session,
        actor=actor.username,
        actor_role=actor.role or None,
        action="register.import",
        target_type="register",
        purpose=PURPOSE,
        details={
            "created": result.created,
            "updated": result.updated,
            "entry_ids": result.entry_ids,
            "signals_rematched": len(rematched),
        },
    )
    return result
