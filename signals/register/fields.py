"""Register fields as people write them: parsing and the one validator for the form, the API
and the CSV import."""

from __future__ import annotations

from datetime import UTC, datetime

from nlp.vocabulary import REGISTER_STATUS_DEFAULT, REGISTER_STATUSES, TZ
from signals.errors import DomainError

EDITABLE_FIELDS = frozenset(
    {"reference", "organiser_ref", "place", "start_at", "end_at", "status", "description"}
)


class RegisterError(DomainError, ValueError):
    """A register change that cannot be made; the message is fit to show the user."""

    status_code = 422


class StaleEntryError(RegisterError):
    """Someone else changed the entry since it was read (optimistic concurrency)."""

    status_code = 409


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
        parsed = parsed.replace(tzinfo=TZ)
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


def check_known(fields: dict[str, object]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise RegisterError(f"onbekende velden: {', '.join(sorted(unknown))}")


def validate(fields: dict[str, object]) -> None:
    """Check (and normalise the status of) the fields in place."""
    if "status" in fields:
        fields["status"] = normalise_status(fields["status"])
    start, end = fields.get("start_at"), fields.get("end_at")
    if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
        raise RegisterError("eindtijd ligt voor begintijd")
    for name in ("reference", "place"):
        if name in fields and not str(fields[name] or "").strip():
            raise RegisterError(f"{name} mag niet leeg zijn")
