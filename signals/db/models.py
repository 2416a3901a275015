"""System of record. Everything here can be audited; nothing here names a person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from nlp.vocabulary import (
    APPROVAL_NOT_REQUIRED,
    APPROVAL_PENDING,
    KIND_ONLINE,
    REGISTER_STATUSES,
    SIGNAL_STATUSES,
)
from nlp.vocabulary import ROLES as ROLES  # re-exported: older imports read it from here
from signals.db.types import UTCDateTime, utcnow


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


# Signal statuses are defined once, in nlp.vocabulary; the old name stays for its importers.
STATUSES: tuple[str, ...] = SIGNAL_STATUSES


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Kept for the API shape; the login throttle (LoginAttempt) replaced the account lockout.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Signed into the session cookie; bumped on logout, password change, role change and
    # disabling, so every older cookie of this account stops working (also after a restart).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who created the account (None: the CLI or the system, i.e. the host operator).
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    # Who chose the current password (None: the CLI/system, or the owner themself). While an
    # admin's generated password is unchanged, that admin may act as this account too.
    password_set_by_id: Mapped[int | None] = mapped_column(Integer)


class RoleGrant(Base):
    """A request to create a supervisor or admin, or to raise an account to one of those
    roles. It takes effect only when a second admin (not the requester, not controlled by
    the requester) approves."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # create | elevate
    requested_by_id: Mapped[int | None] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=APPROVAL_PENDING)  # approved | rejected
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """Failed-login state per throttle key (an address, or a name at an address); kept in the
    database so a restart does not reset the backoff."""

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_allowed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SourceStateRow(Base):
    """What a source remembers between polls, and its health."""

    __tablename__ = "source_states"

    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    cursor: Mapped[str | None] = mapped_column(Text)
    last_poll_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    polls: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    total_latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    # Skipped items already reported (compact JSON of hashes), so each skip is reported once.
    reported_skips: Mapped[str | None] = mapped_column(Text)


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        # One row per version of an item: an edit is stored as a new version, not dropped.
        UniqueConstraint("canonical_url", "version", name="uq_posts_canonical_url_version"),
        UniqueConstraint("source_id", "content_hash", name="uq_posts_source_content"),
        Index("ix_posts_fetched_at", "fetched_at"),
        Index("ix_posts_pseudonym", "author_pseudonym"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), index=True)
    external_id: Mapped[str | None] = mapped_column(String(512))
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(String(1024))
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    author_pseudonym: Mapped[str | None] = mapped_column(String(80))
    pseudonym_period: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime]
    language: Mapped[str | None] = mapped_column(String(8))
    # Written by enrichment from the NLP's verdict (nlp.language.is_supported): False when the
    # classifier did not score the post because of its language. True until enriched.
    language_supported: Mapped[bool] = mapped_column(Boolean, default=True)
    enriched: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # 1 for an item as first collected; an edited text of the same item (same source, URL and
    # id) is stored as version 2, 3, ... with `version_of_id` pointing at the first version.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    version_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL", name="fk_posts_version_of_id"), index=True
    )

    enrichments: Mapped[list[Enrichment]] = relationship(
        back_populates="post", cascade="all, delete-orphan"
    )


class Enrichment(Base):
    __tablename__ = "enrichments"
    __table_args__ = (UniqueConstraint("post_id", "model_version", name="uq_enrichment_model"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    model_version: Mapped[str] = mapped_column(String(64))
    labels: Mapped[dict[str, Any]] = mapped_column(JSON)  # {label: {"p": float, "flag": bool}}
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    places: Mapped[list[Any]] = mapped_column(JSON, default=list)
    in_almere: Mapped[bool | None]
    event_time: Mapped[datetime | None]
    event_time_text: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    explanations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    autotagged: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(back_populates="enrichments")


class RegisterEntry(Base):
    """A manifestation notified under the Wom."""

    __tablename__ = "register_entries"
    # The closed set of statuses (migration 0004 adds the constraint to existing databases).
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in REGISTER_STATUSES)})",
            name="ck_register_entries_status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    organiser_ref: Mapped[str] = mapped_column(String(128), default="")
    place: Mapped[str] = mapped_column(String(255))
    place_canonical: Mapped[str | None] = mapped_column(String(255), index=True)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(32), default="aangemeld")
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Signal(Base):
    __tablename__ = "signals"
    __table_args__ = (
        Index("ix_signals_queue", "status", "severity"),
        # The queue orders by severity, event time and id within a status: no sort step.
        Index("ix_signals_queue_order", "status", "severity", "event_time", "id"),
        Index("ix_signals_event_time", "event_time"),
        Index("ix_signals_last_activity", "last_activity_at"),
        # "Aan mij toegewezen": one colleague's signals of a status, in the queue's order.
        Index("ix_signals_assigned", "assigned_to", "status", "severity", "event_time", "id"),
        # The queue's other sorts walk one status at a time in the sorted column's order. The
        # trailing columns make them covering: the date filter (event time, else first seen)
        # and a district filter under any sort are answered from the index alone.
        Index("ix_signals_status_event", "status", "event_time", "first_seen_at"),
        Index("ix_signals_status_first_seen", "status", "first_seen_at"),
        Index(
            "ix_signals_status_district",
            "status", "district", "severity", "event_time", "id", "first_seen_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    types: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="new")
    severity: Mapped[float] = mapped_column(Float, default=0.0)
    severity_breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str | None] = mapped_column(String(255))
    district: Mapped[str | None] = mapped_column(String(64), index=True)
    in_almere: Mapped[bool | None]
    event_time: Mapped[datetime | None]
    event_time_text: Mapped[str | None] = mapped_column(Text)
    notification_status: Mapped[str | None] = mapped_column(String(16))
    register_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("register_entries.id", ondelete="SET NULL")
    )
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    source_count: Mapped[int] = mapped_column(Integer, default=0)
    minhash: Mapped[list[Any] | None] = mapped_column(JSON)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    alerted_severity: Mapped[float | None] = mapped_column(Float)
    retain_until: Mapped[datetime | None]
    # Optimistic concurrency: a decision names the version it saw.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Where the signal started: "online" (posts) or "melding" (a partner's report). Either kind
    # may later hold both (signals/partner/joining.py).
    kind: Mapped[str] = mapped_column(
        String(16), default=KIND_ONLINE, server_default=KIND_ONLINE
    )
    # The colleague (username; staff, never a post author) who picks this signal up.
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    assigned_at: Mapped[datetime | None]

    posts: Mapped[list[SignalPost]] = relationship(
        back_populates="signal", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="signal", cascade="all, delete-orphan", order_by="Decision.id"
    )
    register_entry: Mapped[RegisterEntry | None] = relationship()
    # Deleted with the signal (retention): a note never outlives what it is about.
    notes: Mapped[list[SignalNote]] = relationship(
        back_populates="signal", cascade="all, delete-orphan", order_by="SignalNote.id"
    )


class SignalNote(Base):
    """A colleague's working note on a signal. Never personal data about post authors (the
    service refuses pseudonyms, handles and profile links)."""

    __tablename__ = "signal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    signal: Mapped[Signal] = relationship(back_populates="notes")


class SignalPost(Base):
    __tablename__ = "signal_posts"

    signal_id: Mapped[int] = mapped_column(
        ForeignKey("signals.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An analyst may mark a short quote for the driehoek briefing; nothing else is quoted.
    briefing_snippet: Mapped[str | None] = mapped_column(Text)

    signal: Mapped[Signal] = relationship(back_populates="posts")
    post: Mapped[Post] = relationship()


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    rationale: Mapped[str] = mapped_column(Text, default="")
    protocol_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    signal: Mapped[Signal] = relationship(back_populates="decisions")
    interventions: Mapped[list[ChosenIntervention]] = relationship(
        back_populates="decision", cascade="all, delete-orphan"
    )


class ChosenIntervention(Base):
    __tablename__ = "chosen_interventions"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    intervention_id: Mapped[str] = mapped_column(String(64))
    protocol_version: Mapped[str] = mapped_column(String(64))
    proportionality_note: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[str] = mapped_column(String(64))
    # not_required | pending | approved | rejected
    approval_status: Mapped[str] = mapped_column(String(16), default=APPROVAL_NOT_REQUIRED)
    approver_role: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="interventions")


class LabelCorrection(Base):
    """An analyst's correction of one label on one post: training data for the next model."""

    __tablename__ = "label_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    # Text is copied so that a correction survives the post's retention (it is training data
    # under its own retention rule).
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(32))
    value: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProtocolVersion(Base):
    __tablename__ = "protocol_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[str] = mapped_column(String(64), unique=True)
    effective_date: Mapped[str] = mapped_column(String(10))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    activated_at: Mapped[datetime | None]
    activated_by: Mapped[str | None] = mapped_column(String(64))


class AuditEvent(Base):
    """Append-only, hash-chained. Never updated or deleted by the application except by the
    retention purge of events past their own (long) retention, which is itself audited."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_ts", "ts"),
        Index("ix_audit_actor", "actor"),
        Index("ix_audit_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ts: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AppSetting(Base):
    """Operational switches (e.g. the automated-tagging kill switch)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthorEscrow(Base):
    """Encrypted plaintext handle, only for sources configured with escrow (off by default)."""

    __tablename__ = "author_escrow"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RevealRequest(Base):
    """Four-eyes request to reveal the escrowed handle of one post of an escalated signal."""

    __tablename__ = "reveal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    requested_by: Mapped[str] = mapped_column(String(64))
    legal_ground: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=APPROVAL_PENDING)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SourceLease(Base):
    """Who may collect (and process) a source right now: `signals watch` and the Airflow DAG
    each take a source's lease before polling it, so that no source is collected or processed
    twice at the same time. A lease ends when released or when `expires_at` has passed (its
    holder died). The reserved id `_process` guards enrichment and detection."""

    __tablename__ = "source_leases"

    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)

