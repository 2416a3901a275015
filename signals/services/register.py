"""The register of notified manifestations as people change it: create, edit, import.

Each act changes the register (`signals.register`), re-scores the open calls the change may
affect (`signals.detection.lifecycle.refresh_signals`: "aangemeld" or "niet aangemeld", severity,
title) and writes one audit record, all in the caller's transaction."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from signals.db.models import RegisterEntry
from signals.detection.lifecycle import refresh_signals
from signals.register import csv_import, entries
from signals.register.csv_import import ImportResult
from signals.services import Actor, record_as

PURPOSE = "registratie aangemelde manifestaties"
# An operator at the server's shell (`signals register import`) and the demo act without an
# account: their Actor has no role (""), and the audit record says so (no role) rather than
# claim one.


def _rematch_and_audit(
    session: Session,
    actor: Actor,
    action: str,
    signal_ids: list[int],
    details: dict[str, object],
    *,
    entry_id: int | None = None,
) -> None:
    """Re-score the signals the change may affect, then audit the change (of one entry, or of
    the register as a whole) with their count."""
    rematched = refresh_signals(session, signal_ids)
    record_as(
        session, actor, action=action,
        target_type="register" if entry_id is None else "register_entry", target_id=entry_id,
        purpose=PURPOSE, details={**details, "signals_rematched": len(rematched)},
    )


def create_entry(session: Session, actor: Actor, **fields: object) -> RegisterEntry:
    """Add one entry (see `signals.register.entries.create_entry` for the fields)."""
    change = entries.create_entry(session, **fields)
    _rematch_and_audit(
        session, actor, "register.create", change.affected_signal_ids,
        {"entry_id": change.entry.id}, entry_id=change.entry.id,
    )
    return change.entry


def update_entry(
    session: Session, actor: Actor, entry_id: int, *, expected_version: int, **fields: object
) -> RegisterEntry:
    """Change an entry if nobody else changed it since `expected_version` was read."""
    change = entries.update_entry(session, entry_id, expected_version=expected_version, **fields)
    if not change.changed_fields:
        return change.entry
    _rematch_and_audit(
        session, actor, "register.update", change.affected_signal_ids,
        {
            "entry_id": change.entry.id,
            "fields": change.changed_fields,
            "version": change.entry.version,
        },
        entry_id=change.entry.id,
    )
    return change.entry


def import_csv(session: Session, actor: Actor, path: str | Path) -> ImportResult:
    """Import a CSV file, all rows or none (`errors` says why none)."""
    result = csv_import.import_csv(session, path)
    if not result.ok:
        return result
    _rematch_and_audit(
        session, actor, "register.import", result.affected_signal_ids,
        {"created": result.created, "updated": result.updated, "entry_ids": result.entry_ids},
    )
    return result
