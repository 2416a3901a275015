"""Tables of the partner reporting line: organisations, partner accounts, reports and API tokens.

A report names its reporter (account or API token, organisation, optional contact): that is
personal data of a professional, shown to supervisors only, and deleted with the report's signal
(the foreign key cascades, so the retention purge of a signal takes its reports along)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from signals.db.models import Base, Signal
from signals.db.types import utcnow


class PartnerOrganisation(Base):
    __tablename__ = "partner_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # nlp.vocabulary.ORGANISATION_KINDS
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="system")


class PartnerAccount(Base):
    """Which organisation a partner account belongs to (one each)."""

    __tablename__ = "partner_accounts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("partner_organisations.id"), index=True)

    organisation: Mapped[PartnerOrganisation] = relationship()


class PartnerApiToken(Base):
    """A partner system's key. Only the SHA-256 of the token is kept; the token is shown once."""

    __tablename__ = "partner_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("partner_organisations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # recognisable, not enough to use
    label: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    last_used_at: Mapped[datetime | None]

    organisation: Mapped[PartnerOrganisation] = relationship()


class PartnerReport(Base):
    """One confirmed report (melding). Only what the reporter confirmed is stored."""

    __tablename__ = "partner_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_organisations.id", ondelete="SET NULL"), index=True
    )
    # Copied so that counts by kind survive a renamed or merged organisation.
    organisation_kind: Mapped[str] = mapped_column(String(16))
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_api_tokens.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(8))  # "web" | "api"
    what: Mapped[str] = mapped_column(Text)
    place_text: Mapped[str] = mapped_column(String(255), default="")
    place: Mapped[str | None] = mapped_column(String(255))  # gazetteer canonical name
    district: Mapped[str | None] = mapped_column(String(64))
    in_almere: Mapped[bool | None]
    when_text: Mapped[str] = mapped_column(String(255), default="")
    event_time: Mapped[datetime | None]
    event_time_text: Mapped[str | None] = mapped_column(Text)
    knowledge: Mapped[str] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(String(255))
    labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    model_version: Mapped[str | None] = mapped_column(String(64))
    # True when an online signal already held the place and time when this report came in.
    met_online: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    signal: Mapped[Signal] = relationship(
        backref=backref(
            "partner_reports",
            cascade="all, delete-orphan",
            passive_deletes=True,
            order_by="PartnerReport.id",
        )
    )
    organisation: Mapped[PartnerOrganisation | None] = relationship()

    @property
    def number(self) -> str:
        """The number the reporter sees and quotes ("M-000042")."""
        return f"M-{self.id:06d}"
