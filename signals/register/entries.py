"""Create, change and list register entries. Nothing here audits or re-scores: a change
returns what it did and which open calls it may affect, and the caller (the register service)
re-scores those and writes the audit record."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from signals.db.models import RegisterEntry
from signals.db.types import utcnow
from signals.register.fields import (
    RegisterError,
    StaleEntryError,
    check_known,
    normalise_status,
    validate,
)
from signals.register.matching import affected_signal_ids
from signals.register.places import canonical_place


@dataclass(slots=True)
class EntryChange:
    """One entry after a change, the fields an update changed (empty for a new entry and for an
    update that changed nothing), and the open calls to re-score."""

    entry: RegisterEntry
    changed_fields: list[str] = field(default_factory=list)
    affected_signal_ids: list[int] = field(default_factory=list)


def create_entry(session: Session, **fields: object) -> EntryChange:
    """Add one entry. Fields: reference, place, start_at, end_at (aware datetimes), and
    optionally organiser_ref, status, description."""
    check_known(fields)
    for name in ("reference", "place", "start_at", "end_at"):
        if fields.get(name) in (None, ""):
            raise RegisterError(f"{name} is verplicht")
    validate(fields)
    reference = str(fields["reference"]).strip()
    taken = session.scalar(select(RegisterEntry.id).where(RegisterEntry.reference == reference))
    if taken is not None:
        raise RegisterError(f"referentie {reference!r} bestaat al")
    entry = RegisterEntry(
        reference=reference,
        organiser_ref=str(fields.get("organiser_ref") or ""),
        place=str(fields["place"]).strip(),
        place_canonical=canonical_place(str(fields["place"])),
        start_at=fields["start_at"],
        end_at=fields["end_at"],
        status=normalise_status(fields.get("status")),
        description=str(fields.get("description") or ""),
        version=1,
        updated_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    return EntryChange(entry=entry, affected_signal_ids=affected_signal_ids(session, [entry]))


def update_entry(
    session: Session, entry_id: int, *, expected_version: int, **fields: object
) -> EntryChange:
    """Change an entry if nobody else changed it since `expected_version` was read. With
    nothing changed, `changed_fields` is empty and nothing is written."""
    check_known(fields)
    entry = session.get(RegisterEntry, entry_id)
    if entry is None:
        raise RegisterError(f"registratie {entry_id} bestaat niet")
    if entry.version != expected_version:
        raise StaleEntryError(
            "deze registratie is intussen door iemand anders gewijzigd "
            f"(versie {entry.version}, u zag versie {expected_version}); laad haar opnieuw"
        )
    merged = {"start_at": entry.start_at, "end_at": entry.end_at, **fields}
    validate(merged)
    if "status" in fields:
        fields["status"] = merged["status"]
    new_reference = str(fields.get("reference") or entry.reference).strip()
    if new_reference != entry.reference:
        taken = session.scalar(
            select(RegisterEntry.id).where(
                RegisterEntry.reference == new_reference, RegisterEntry.id != entry_id
            )
        )
        if taken is not None:
            raise RegisterError(f"referentie {new_reference!r} bestaat al")
    changed = sorted(name for name, value in fields.items() if getattr(entry, name) != value)
    if not changed:
        return EntryChange(entry=entry)
    values = {name: fields[name] for name in changed}
    if "place" in values:
        values["place"] = str(values["place"]).strip()
        values["place_canonical"] = canonical_place(str(values["place"]))
    old_window = (entry.start_at, entry.end_at)
    values["version"] = expected_version + 1
    values["updated_at"] = utcnow()
    # Compare-and-set in SQL, so two sessions that both passed the check above cannot both win:
    # the later one updates no row and is refused.
    rows = session.execute(
        update(RegisterEntry)
        .where(RegisterEntry.id == entry_id, RegisterEntry.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if rows != 1:
        session.expire(entry)
        raise StaleEntryError("deze registratie is intussen door iemand anders gewijzigd")
    session.refresh(entry)
    return EntryChange(
        entry=entry,
        changed_fields=changed,
        affected_signal_ids=affected_signal_ids(session, [entry], extra_windows=[old_window]),
    )


def list_entries(session: Session, *, limit: int = 500) -> list[RegisterEntry]:
    return list(
        session.scalars(select(RegisterEntry).order_by(RegisterEntry.start_at.desc()).limit(limit))
    )


def entries_by_id(session: Session, ids: list[int]) -> list[RegisterEntry]:
    if not ids:
        return []
    return list(session.scalars(select(RegisterEntry).where(RegisterEntry.id.in_(ids))))
