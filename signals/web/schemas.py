"""Pydantic request/response models of the JSON API (they shape the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictStr

from nlp.vocabulary import (
    LABELS,
    REGISTER_STATUS_DEFAULT,
    REGISTER_STATUSES,
    ROLES,
    SIGNAL_STATUSES,
)

# The closed sets come from nlp.vocabulary; Literal[tuple] spells out each value in the schema.
StatusName = Literal[SIGNAL_STATUSES]  # type: ignore[valid-type]
LabelName = Literal[LABELS]  # type: ignore[valid-type]
RoleName = Literal[ROLES]  # type: ignore[valid-type]
RegisterStatus = Literal[REGISTER_STATUSES]  # type: ignore[valid-type]


def _iso_text(value: Any) -> Any:
    # Request bodies are JSON: a time must be an ISO 8601 string, not a number of seconds.
    if not isinstance(value, str):
        raise ValueError("verwacht een ISO 8601-tijd als tekst, bijv. 2026-11-28T14:00:00+01:00")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text)]


def _json_int(value: Any) -> Any:
    # JSON Schema "integer" admits 3.0 but not "3" or true; pydantic's lax mode differs.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("verwacht een geheel getal")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("verwacht een geheel getal")
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_json_int)]


class UnprocessableOut(BaseModel):
    """422: a rule of the domain (a message) or invalid input (FastAPI's list of errors)."""

    detail: str | list[dict[str, Any]]


class ErrorOut(BaseModel):
    detail: str


def error_responses(described: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for refusals answered with an ErrorOut: status code -> description."""
    return {status: {"model": ErrorOut, "description": text} for status, text in described.items()}


EVENT_TIME_PRECISION = Field(
    None,
    description=(
        "How precisely the words stated event_time: 'clock' (to the minute), 'part_of_day' "
        "(the hour is a convention, 20:00 for 'avond'), 'date' (12:00 is a convention: no time "
        "was written)"
    ),
)
EventTimePrecision = Literal["clock", "part_of_day", "date"]


class SignalSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    types: list[str]
    status: str
    severity: float
    title: str
    place: str | None
    district: str | None
    event_time: datetime | None
    event_time_precision: EventTimePrecision | None = EVENT_TIME_PRECISION
    notification_status: str | None
    post_count: int
    source_count: int
    first_seen_at: datetime
    last_activity_at: datetime
    version: int


class SignalList(BaseModel):
    items: list[SignalSummary]
    total: int
    page: int
    pages: int
    page_size: int
    counts: dict[str, int]
    snippets: dict[str, str] = Field(default_factory=dict)
    search_note: str | None = None


class EvidenceOut(BaseModel):
    start: int | None = None
    end: int | None = None
    text: str = ""
    kind: str = ""


class LabelOut(BaseModel):
    p: float
    flag: bool
    terms: list[tuple[str, float]] = Field(default_factory=list)


class PostOut(BaseModel):
    id: int
    source_id: str
    url: str
    title: str
    text: str
    author_alias: str | None = Field(
        None,
        description=(
            "Author within this signal only (A, B, C ...): the same letter is the same "
            "pseudonymised author in this signal; letters are not comparable across signals"
        ),
    )
    published_at: datetime | None
    fetched_at: datetime
    model_version: str | None
    labels: dict[str, LabelOut]
    evidence: list[EvidenceOut]
    places: list[dict[str, Any]]
    event_time: datetime | None
    event_time_text: str | None
    event_time_precision: EventTimePrecision | None = EVENT_TIME_PRECISION


class RegisterRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    place: str
    start_at: datetime
    end_at: datetime
    status: str


class InterventionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    intervention_id: str
    protocol_version: str
    approval_status: str


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    signal_id: int
    from_status: str
    to_status: str
    actor: str
    reason_code: str | None
    rationale: str
    protocol_version: str | None
    created_at: datetime
    interventions: list[InterventionOut] = Field(default_factory=list)


class SignalDetailOut(SignalSummary):
    in_almere: bool | None
    event_time_text: str | None
    severity_breakdown: dict[str, Any]
    register_entry: RegisterRef | None
    allowed_transitions: list[str]
    posts: list[PostOut]
    decisions: list[DecisionOut]
    label_corrections: list[LabelCorrectionOut] = Field(
        default_factory=list,
        description="Analysts' label corrections of this signal's posts, oldest first",
    )
    assigned_to: str | None = Field(None, description="Colleague the signal is assigned to")
    notes: list[NoteOut] = Field(
        default_factory=list, description="Colleagues' notes on the signal, oldest first"
    )


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_status: StatusName
    version: JsonInt = Field(ge=1, le=2**31 - 1, description="Signal.version as last seen")
    rationale: StrictStr = Field("", max_length=5000)
    reason_code: StrictStr | None = Field(None, max_length=64)


class LabelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: LabelName
    value: StrictBool
    note: StrictStr = Field("", max_length=2000)


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author: str
    text: str
    created_at: datetime


class LabelCorrectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    post_id: int | None
    label: str
    value: bool
    actor: str
    note: str
    created_at: datetime


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ts: datetime
    actor: str
    actor_role: str | None
    action: str
    target_type: str | None
    target_id: str | None
    purpose: str | None
    details: dict[str, Any]


class AuditList(BaseModel):
    items: list[AuditEventOut]
    total: int
    page: int
    pages: int


class VerifyOut(BaseModel):
    ok: bool
    checked: int  # events read, including this request's own audit.verify row
    first_broken_id: int | None
    reason: str | None
    problems: list[str] = []  # every finding: missing rows, checkpoint mismatches, ...
    checkpoints: int = 0  # signed checkpoints the chain was checked against


class MeOut(BaseModel):
    username: str
    role: str
    csrf_token: str


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: str
    active: bool
    locked_until: datetime | None = Field(None, description="Always empty: no account lockout")
    created_at: datetime
    pending_role: str | None = Field(
        None, description="Role waiting for a second admin's approval (vier ogen)"
    )


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: StrictStr = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    role: RoleName
    password: StrictStr | None = Field(None, min_length=10, max_length=1024)


class UserCreated(UserOut):
    password: str | None = Field(None, description="Only when generated; shown once")


class RoleGrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: StrictBool


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: RoleName | None = None
    active: StrictBool | None = None


class RegisterEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    organiser_ref: str
    place: str
    place_canonical: str | None
    start_at: datetime
    end_at: datetime
    status: str
    description: str
    version: int
    updated_at: datetime


class RegisterEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: StrictStr = Field(min_length=1, max_length=64)
    organiser_ref: StrictStr = Field("", max_length=128)
    place: StrictStr = Field(min_length=1, max_length=255)
    start_at: IsoDateTime
    end_at: IsoDateTime
    status: RegisterStatus = Field(REGISTER_STATUS_DEFAULT)  # type: ignore[assignment]
    description: StrictStr = Field("", max_length=5000)


class RegisterEntryUpdate(RegisterEntryIn):
    version: JsonInt = Field(ge=1, le=2**31 - 1, description="RegisterEntry.version as last seen")
