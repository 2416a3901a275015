"""A protocol version as data: what it may contain and what makes it invalid."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nlp.types import LABELS
from signals.db.models import ROLES


class Category(StrEnum):
    SIGNALEREN = "signaleren"
    COMMUNICEREN = "communiceren"
    INTERVENIEREN = "interveniëren"


class LegalStatus(StrEnum):
    ESTABLISHED = "established"
    CONTESTED = "contested"
    PENDING = "pending"
    UNAVAILABLE = "unavailable"


# A power that is not in force, or was struck down, can be shown but never chosen.
NOT_USABLE = frozenset({LegalStatus.PENDING, LegalStatus.UNAVAILABLE})


class Intervention(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]{1,63}$")
    name: str = Field(min_length=3)
    description: str = Field(min_length=3)
    category: Category
    legal_basis: str = Field(min_length=3)
    legal_status: LegalStatus
    approver_role: str | None = None
    applies_to: tuple[str, ...] = Field(min_length=1)
    min_severity: float = Field(ge=0.0, le=1.0)
    preconditions: tuple[str, ...] = ()
    selectable: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.approver_role is not None and self.approver_role not in ROLES:
            raise ValueError(f"unknown role {self.approver_role!r} (known: {', '.join(ROLES)})")
        unknown = [t for t in self.applies_to if t not in LABELS]
        if unknown:
            raise ValueError(f"unknown signal type(s) {unknown} (known: {', '.join(LABELS)})")
        if self.legal_status in NOT_USABLE and self.selectable:
            raise ValueError(
                f"a {self.legal_status.value} power cannot be selectable: set selectable: false"
            )
        return self

    @property
    def can_be_chosen(self) -> bool:
        if self.legal_status in NOT_USABLE:
            return False
        return True if self.selectable is None else self.selectable


class Protocol(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-_]{0,63}$")
    effective_date: date
    rationale: str = Field(min_length=10)
    interventions: tuple[Intervention, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        seen: set[str] = set()
        for item in self.interventions:
            if item.id in seen:
                raise ValueError(f"duplicate intervention id {item.id!r}")
            seen.add(item.id)
        return self

    def get(self, intervention_id: str) -> Intervention | None:
        return next((i for i in self.interventions if i.id == intervention_id), None)
