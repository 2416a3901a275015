"""Import the register from a CSV file (insert or update by reference), all rows or none."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from signals.db.models import RegisterEntry
from signals.db.types import utcnow
from signals.register.entries import entries_by_id
from signals.register.fields import RegisterError, normalise_status, parse_local_datetime
from signals.register.matching import affected_signal_ids
from signals.register.places import canonical_place

CSV_COLUMNS = ("reference", "organiser_ref", "place", "start", "end", "status", "description")


@dataclass(slots=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)
    # The open calls the imported entries may affect; the caller re-scores them.
    affected_signal_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _read_rows(handle: TextIO, result: ImportResult) -> list[dict[str, object]]:
    """The file's rows as entry fields, every problem noted in `result.errors`."""
    rows: list[dict[str, object]] = []
    sample = handle.read(4096)
    handle.seek(0)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(handle, dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        result.errors.append(f"regel 1: ontbrekende kolommen: {', '.join(missing)}")
        return rows
    reader.fieldnames = header
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        if None in raw:
            result.errors.append(f"regel {line}: meer waarden dan kolommen")
            continue
        problems: list[str] = []
        reference = row.get("reference", "")
        if not reference:
            problems.append("reference ontbreekt")
        elif reference in seen:
            problems.append(f"reference {reference!r} staat ook op regel {seen[reference]}")
        else:
            seen[reference] = line
        if not row.get("place"):
            problems.append("place ontbreekt")
        times: dict[str, datetime] = {}
        for column in ("start", "end"):
            try:
                times[column] = parse_local_datetime(row.get(column, ""))
            except ValueError as exc:
                problems.append(f"{column}: {exc}")
        if len(times) == 2 and times["end"] < times["start"]:
            problems.append("end ligt voor start")
        try:
            status = normalise_status(row.get("status"))
        except RegisterError as exc:
            problems.append(str(exc))
        if problems:
            result.errors.append(f"regel {line}: " + "; ".join(problems))
            continue
        rows.append(
            {
                "reference": reference,
                "organiser_ref": row.get("organiser_ref", ""),
                "place": row["place"],
                "start_at": times["start"],
                "end_at": times["end"],
                "status": status,
                "description": row.get("description", ""),
            }
        )
    return rows


def import_csv(session: Session, path: str | Path) -> ImportResult:
    """Import (insert or update by reference) the rows of a CSV file with the columns
    reference,organiser_ref,place,start,end,status,description.

    All rows are checked first; when any row is bad nothing is written and `errors` lists every
    problem with its line number, so a supervisor can fix the file and import it again.
    """
    result = ImportResult()
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        result.errors.append(f"bestand niet te openen: {exc.strerror or exc}")
        return result
    with handle:
        rows = _read_rows(handle, result)
    if result.errors:
        return result
    existing = {
        e.reference: e
        for e in session.scalars(
            select(RegisterEntry).where(RegisterEntry.reference.in_([f["reference"] for f in rows]))
        )
    }
    for fields in rows:
        fields["place_canonical"] = canonical_place(str(fields["place"]))
        entry = existing.get(str(fields["reference"]))
        if entry is None:
            entry = RegisterEntry(**fields, version=1, updated_at=utcnow())
            session.add(entry)
            result.created += 1
        else:
            changed = False
            for name, value in fields.items():
                if getattr(entry, name) != value:
                    setattr(entry, name, value)
                    changed = True
            if changed:
                entry.version += 1
                entry.updated_at = utcnow()
                result.updated += 1
        session.flush()
        result.entry_ids.append(entry.id)
    result.affected_signal_ids = affected_signal_ids(
        session, list(existing.values()) + entries_by_id(session, result.entry_ids)
    )
    return result
