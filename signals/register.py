"""The register of notified manifestations (Wom): import, edit, and match calls against it.

A call to gather in Almere that matches an active entry (same place, time inside the entry's
window, status "aangemeld" or "bevestigd") is "aangemeld"; a call without such a match is "niet
aangemeld". An entry's status is one of a closed set of Dutch values (nlp.vocabulary), checked here
for the form, the CSV import and the API alike, and by a CHECK constraint in the database. That is
a fact about the register, never a finding that a gathering is illegal (see LEGAL.md), and the
wording stays that way everywhere.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nlp.vocabulary import (
    REGISTER_ACTIVE_STATUSES,
    REGISTER_STATUS_DEFAULT,
    REGISTER_STATUSES,
    TZ,
)
from signals import audit
from signals.db.models import RegisterEntry
from signals.db.types import utcnow

LOCAL_TZ = TZ
CSV_COLUMNS = ("reference", "organiser_ref", "place", "start", "end", "status", "description")
DEFAULT_MARGIN = timedelta(hours=2)
# Place names this similar (rapidfuzz ratio, 0-100) are treated as the same place.
PLACE_SIMILARITY = 85
EDITABLE_FIELDS = frozenset(
    {"reference", "organiser_ref", "place", "start_at", "end_at", "status", "description"}
)


class RegisterError(ValueError):
    """A register change that cannot be made; the message is fit to show the user."""


class StaleEntryError(RegisterError):
    """Someone else changed the entry since it was read (optimistic concurrency)."""


@dataclass(slots=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def match_margin() -> timedelta:
    """How far outside an entry's start/end a call's time may fall (SIGNALS_REGISTER_MARGIN_MIN)."""
    raw = os.environ.get("SIGNALS_REGISTER_MARGIN_MIN")
    try:
        return timedelta(minutes=float(raw)) if raw else DEFAULT_MARGIN
    except ValueError:
        return DEFAULT_MARGIN


# --- places ----------------------------------------------------------------------------------


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    """Normalised alias -> canonical name, from the NLP gazetteer (the one list of places)."""
    try:
        from nlp.gazetteer import load_places
    except ImportError:  # the NLP package is optional for register work
        return {}
    table: dict[str, str] = {}
    for place in load_places():
        for alias in place.aliases:
            table.setdefault(_key(alias), place.canonical)
        table.setdefault(_key(place.canonical), place.canonical)
    return table


@lru_cache(maxsize=4096)
def canonical_place(text: str | None) -> str | None:
    """The gazetteer's canonical name for a place as someone wrote it, tolerating typos and
    extra words ("Stadhuisplijn", "Stadhuisplein, Almere"); None when it is not in the list."""
    if not text or not text.strip():
        return None
    table = _alias_table()
    if not table:
        return None
    whole = _key(text)
    if whole in table:
        return table[whole]
    best = process.extractOne(whole, list(table), scorer=fuzz.ratio, score_cutoff=88)
    if best is not None:
        return table[best[0]]
    # "Stadhuisplein, Almere Stad": try each comma/dash part, most specific (longest) first.
    parts = [p for p in re.split(r"[,;/()]| - ", text) if p.strip()]
    if len(parts) > 1:
        for part in sorted(parts, key=len, reverse=True):
            found = canonical_place(part)
            if found:
                return found
    return None


def same_place(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    ka, kb = _key(a), _key(b)
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    if len(short) >= 8 and short in long_:
        return True  # "Stationsplein" and "Stationsplein Almere"; too short to be a coincidence
    return fuzz.ratio(ka, kb) >= PLACE_SIMILARITY


# --- parsing ---------------------------------------------------------------------------------


def parse_local_datetime(value: str) -> datetime:
    """ISO 8601 or "YYYY-MM-DD HH:MM" or "DD-MM-YYYY HH:MM"; without an offset the time is
    Almere local time (that is how the municipality writes it), returned as aware UTC."""
    value = value.strip()
    if not value:
        raise ValueError("lege datum/tijd")
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        for fmt in ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y"):
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(f"onbekend datumformaat: {value!r} (gebruik bijv. 2026-11-28 14:00)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(UTC)


def normalise_status(value: object) -> str:
    """An entry's status as stored: one of REGISTER_STATUSES (case and surrounding spaces do
    not matter; empty means the default, "aangemeld"). Anything else is refused."""
    text = str(value if value is not None else "").strip().lower()
    if not text:
        return REGISTER_STATUS_DEFAULT
    if text not in REGISTER_STATUSES:
        raise RegisterError(
            f"status {str(value).strip()!r} bestaat niet; kies uit: {', '.join(REGISTER_STATUSES)}"
        )
    return text


def _validate(fields: dict[str, object]) -> None:
    if "status" in fields:
        fields["status"] = normalise_status(fields["status"])
    start, end = fields.get("start_at"), fields.get("end_at")
    if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
        raise RegisterError("eindtijd ligt voor begintijd")
    for name in ("reference", "place"):
        if name in fields and not str(fields[name] or "").strip():
            raise RegisterError(f"{name} mag niet leeg zijn")


# --- import ----------------------------------------------------------------------------------


def import_csv(session: Session, path: str | Path, *, actor: str) -> ImportResult:
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
    rows: list[tuple[int, dict[str, object]]] = []
    with handle:
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
            return result
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
                (
                    line,
                    {
                        "reference": reference,
                        "organiser_ref": row.get("organiser_ref", ""),
                        "place": row["place"],
                        "start_at": times["start"],
                        "end_at": times["end"],
                        "status": status,
                        "description": row.get("description", ""),
                    },
                )
            )
    if result.errors:
        return result
    existing = {
        e.reference: e
        for e in session.scalars(
            select(RegisterEntry).where(
                RegisterEntry.reference.in_([f["reference"] for _, f in rows])
            )
        )
    }
    ids: list[int] = []
    for _line, fields in rows:
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
        ids.append(entry.id)
    rematched = rematch_signals(session, [e for e in existing.values()] + _entries(session, ids))
    audit.record(
        session,
        actor=actor,
        action="register.import",
        target_type="register",
        purpose="registratie aangemelde manifestaties",
        details={
            "created": result.created,
            "updated": result.updated,
            "entry_ids": ids,
            "signals_rematched": rematched,
        },
    )
    return result


# --- edit ------------------------------------------------------------------------------------


def create_entry(session: Session, *, actor: str, **fields: object) -> RegisterEntry:
    """Add one entry. Fields: reference, place, start_at, end_at (aware datetimes), and
    optionally organiser_ref, status, description."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise RegisterError(f"onbekende velden: {', '.join(sorted(unknown))}")
    for name in ("reference", "place", "start_at", "end_at"):
        if fields.get(name) in (None, ""):
            raise RegisterError(f"{name} is verplicht")
    _validate(fields)
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
    rematched = rematch_signals(session, [entry])
    audit.record(
        session,
        actor=actor,
        action="register.create",
        target_type="register_entry",
        target_id=entry.id,
        purpose="registratie aangemelde manifestaties",
        details={"entry_id": entry.id, "signals_rematched": rematched},
    )
    return entry


def update_entry(
    session: Session, entry_id: int, *, expected_version: int, actor: str, **fields: object
) -> RegisterEntry:
    """Change an entry if nobody else changed it since `expected_version` was read."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise RegisterError(f"onbekende velden: {', '.join(sorted(unknown))}")
    entry = session.get(RegisterEntry, entry_id)
    if entry is None:
        raise RegisterError(f"registratie {entry_id} bestaat niet")
    if entry.version != expected_version:
        raise StaleEntryError(
            "deze registratie is intussen door iemand anders gewijzigd "
            f"(versie {entry.version}, u zag versie {expected_version}); laad haar opnieuw"
        )
    merged = {"start_at": entry.start_at, "end_at": entry.end_at, **fields}
    _validate(merged)
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
        return entry
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
    rematched = rematch_signals(session, [entry], extra_windows=[old_window])
    audit.record(
        session,
        actor=actor,
        action="register.update",
        target_type="register_entry",
        target_id=entry.id,
        purpose="registratie aangemelde manifestaties",
        details={
            "entry_id": entry.id,
            "fields": changed,
            "version": entry.version,
            "signals_rematched": rematched,
        },
    )
    return entry


def list_entries(session: Session, *, limit: int = 500) -> list[RegisterEntry]:
    return list(
        session.scalars(select(RegisterEntry).order_by(RegisterEntry.start_at.desc()).limit(limit))
    )


def is_active(status: str | None) -> bool:
    """Whether an entry with this status announces its gathering: only an active notification
    makes a gathering "aangemeld" (a withdrawn or cancelled one does not)."""
    return (status or "").strip().lower() in REGISTER_ACTIVE_STATUSES


# --- effect on signals ----------------------------------------------------------------------


def _entries(session: Session, ids: list[int]) -> list[RegisterEntry]:
    if not ids:
        return []
    return list(session.scalars(select(RegisterEntry).where(RegisterEntry.id.in_(ids))))


def rematch_signals(
    session: Session,
    entries: list[RegisterEntry],
    *,
    extra_windows: list[tuple[datetime, datetime]] | None = None,
) -> int:
    """Re-evaluate the open calls a register change can affect: those linked to the entries and
    those whose event time falls in an entry's (old or new) window. Returns how many changed."""
    from signals.db.models import Signal
    from signals.detect import CALL, OPEN_STATUSES, refresh_signals

    windows = [(e.start_at, e.end_at) for e in entries] + list(extra_windows or [])
    if not windows:
        return 0
    margin = match_margin()
    low = min(start for start, _ in windows) - margin
    high = max(end for _, end in windows) + margin
    rows = session.execute(
        select(Signal.id, Signal.types).where(
            Signal.status.in_(OPEN_STATUSES),
            (Signal.register_entry_id.in_([e.id for e in entries]))
            | (Signal.event_time.between(low, high)),
        )
    ).all()
    ids = [sid for sid, types in rows if CALL in (types or [])]
    return len(refresh_signals(session, ids)) if ids else 0


# --- matching --------------------------------------------------------------------------------


def match(
    session: Session,
    place_canonical: str | None,
    event_time: datetime | None,
    *,
    margin: timedelta | None = None,
) -> RegisterEntry | None:
    """The active register entry for this place whose window (start - margin, end + margin)
    holds `event_time`; the one starting closest to it when several do. Places compare by
    canonical name, fuzzily, so a misspelling on either side still matches."""
    if not place_canonical or event_time is None:
        return None
    margin = match_margin() if margin is None else margin
    candidates = session.scalars(
        select(RegisterEntry).where(
            RegisterEntry.start_at <= event_time + margin,
            RegisterEntry.end_at >= event_time - margin,
        )
    ).all()
    wanted = canonical_place(place_canonical) or place_canonical
    hits = [
        e
        for e in candidates
        if is_active(e.status)
        and (same_place(wanted, e.place_canonical) or same_place(wanted, e.place))
    ]
    if not hits:
        return None
    return min(hits, key=lambda e: abs((e.start_at - event_time).total_seconds()))
