"""Retention: delete what is past its limit from the system of record and the search index.

The policy lives in `config/retention.yml` (override with SIGNALS_RETENTION_CONFIG). The purge
runs daily (DAG / `signals purge`), is idempotent (a second run finds nothing), deletes in
batches and writes exactly one audit event per run holding counts and ids, never content.
Everything happens in one transaction, so a purge and its audit event commit together.
Index documents are deleted before the commit: if the commit then fails, the rows are still
due and the next run deletes them again, and `signals reindex` restores what the index lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from nlp.vocabulary import CLOSED, ESCALATED, IN_REVIEW, NEW
from signals.audit import record
from signals.audit_checkpoints import Purged, skip_auto, write_checkpoint
from signals.config import REPO_ROOT, get_settings
from signals.db.models import AuditEvent, Post, Signal, SignalPost
from signals.db.session import get_engine, session_scope
from signals.db.types import utcnow
from signals.partner.counts import reports_in
from signals.privacy.pseudonym import STATIC_PERIOD, Pseudonymizer
from signals.search import get_backend
from signals.search.base import SearchBackend

DEFAULT_POLICY_PATH = REPO_ROOT / "config" / "retention.yml"
# AI Act art. 26(6): automatically generated logs are kept at least six months.
MIN_AUDIT_DAYS = 183
PURGE_ACTOR = "system:retention"

UNTRIAGED = (NEW, IN_REVIEW)
CASE_STATUSES = (ESCALATED, CLOSED)


class RetentionPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    unsignalled_posts_days: int = Field(default=7, ge=1)
    dismissed_days: int = Field(default=28, ge=1)
    monitoring_days: int = Field(default=90, ge=1)
    untriaged_days: int = Field(default=90, ge=1)
    escalated_default_days: int = Field(default=365, ge=1)
    audit_days: int = Field(default=730)
    batch_size: int = Field(default=500, ge=1, le=10_000)

    @field_validator("audit_days")
    @classmethod
    def _audit_floor(cls, value: int) -> int:
        if value < MIN_AUDIT_DAYS:
            raise ValueError(
                f"audit_days must be at least {MIN_AUDIT_DAYS} (six months, AI Act art. 26(6))"
            )
        return value


def load_policy(path: Path | str | None = None) -> RetentionPolicy:
    """The configured policy; a missing file means the defaults, a bad one is an error."""
    path = Path(path or get_settings().retention_config or DEFAULT_POLICY_PATH)
    if not path.exists():
        return RetentionPolicy()
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of retention settings")
    return RetentionPolicy(**data)


@dataclass(slots=True)
class PurgeReport:
    dry_run: bool
    now: datetime
    post_ids: list[int] = field(default_factory=list)
    signal_ids: dict[str, list[int]] = field(default_factory=dict)  # by class
    audit_events: int = 0
    audit_anchor_hash: str | None = None  # hash of the newest purged audit event
    audit_last_id: int = 0  # id of the newest purged audit event
    keys_destroyed: list[str] = field(default_factory=list)
    index_deleted: dict[str, int] = field(default_factory=dict)
    # Partner reports (with their reporter's identity) go with their signal (FK cascade).
    partner_reports: int = 0

    @property
    def all_signal_ids(self) -> list[int]:
        return sorted({i for ids in self.signal_ids.values() for i in ids})

    def counts(self) -> dict[str, int]:
        return {
            "posts": len(self.post_ids),
            "signals": len(self.all_signal_ids),
            **{f"signals_{k}": len(v) for k, v in self.signal_ids.items()},
            "audit_events": self.audit_events,
            "keys_destroyed": len(self.keys_destroyed),
            "partner_reports": self.partner_reports,
        }

    def as_dict(self) -> dict:
        data = asdict(self)
        data["now"] = self.now.isoformat()
        data["counts"] = self.counts()
        return data


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _due_signals(session: Session, policy: RetentionPolicy, now: datetime) -> dict[str, list[int]]:
    def ids(*where) -> list[int]:
        return list(session.scalars(select(Signal.id).where(*where).order_by(Signal.id)))

    last = Signal.last_activity_at
    return {
        "dismissed": ids(
            Signal.status == "dismissed", last < now - timedelta(days=policy.dismissed_days)
        ),
        "monitoring": ids(
            Signal.status == "monitoring", last < now - timedelta(days=policy.monitoring_days)
        ),
        "untriaged": ids(
            Signal.status.in_(UNTRIAGED), last < now - timedelta(days=policy.untriaged_days)
        ),
        "escalated": ids(
            Signal.status.in_(CASE_STATUSES),
            or_(
                and_(Signal.retain_until.is_not(None), Signal.retain_until < now),
                and_(
                    Signal.retain_until.is_(None),
                    last < now - timedelta(days=policy.escalated_default_days),
                ),
            ),
        ),
    }


def _due_posts(
    session: Session, policy: RetentionPolicy, now: datetime, doomed_signals: list[int]
) -> list[int]:
    """Posts in no signal past the short limit, plus the posts of doomed signals that no
    surviving signal still holds."""
    in_any_signal = exists().where(SignalPost.post_id == Post.id)
    lonely = set(
        session.scalars(
            select(Post.id).where(
                ~in_any_signal,
                Post.fetched_at < now - timedelta(days=policy.unsignalled_posts_days),
            )
        )
    )
    doomed = set(doomed_signals)
    of_doomed: set[int] = set()
    for chunk in _chunks(sorted(doomed), policy.batch_size):
        of_doomed.update(
            session.scalars(select(SignalPost.post_id).where(SignalPost.signal_id.in_(chunk)))
        )
    kept_elsewhere: set[int] = set()
    for chunk in _chunks(sorted(of_doomed), policy.batch_size):
        for post_id, signal_id in session.execute(
            select(SignalPost.post_id, SignalPost.signal_id).where(SignalPost.post_id.in_(chunk))
        ):
            if signal_id not in doomed:
                kept_elsewhere.add(post_id)
    return sorted(lonely | (of_doomed - kept_elsewhere))


def _due_audit(session: Session, policy: RetentionPolicy, now: datetime) -> tuple[int, int, str]:
    """(count, last id, last hash) of the oldest events past the limit. Only a prefix of the
    chain by id is removed, so what is left still verifies from its first row."""
    cutoff = now - timedelta(days=policy.audit_days)
    first_kept = session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.ts >= cutoff))
    where = AuditEvent.id < first_kept if first_kept is not None else AuditEvent.ts < cutoff
    count, last_id = session.execute(
        select(func.count(), func.max(AuditEvent.id)).where(where)
    ).one()
    if not count:
        return 0, 0, ""
    last_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == last_id))
    return int(count), int(last_id), last_hash or ""


def _audit_id_chunks(session: Session, last_id: int, size: int) -> Iterator[list[int]]:
    after = 0
    while last_id:
        chunk = list(
            session.scalars(
                select(AuditEvent.id)
                .where(AuditEvent.id > after, AuditEvent.id <= last_id)
                .order_by(AuditEvent.id)
                .limit(size)
            )
        )
        if not chunk:
            return
        yield chunk
        after = chunk[-1]


def _period_end(period: str) -> datetime | None:
    try:
        year, month = (int(part) for part in period.split("-"))
        return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    except ValueError:
        return None


def _keys_to_destroy(
    session: Session,
    pseudonymizer: Pseudonymizer | None,
    policy: RetentionPolicy,
    now: datetime,
    purged_posts: set[int],
) -> list[str]:
    """Periods that are over (with a grace of the short post limit, for late-delivered items)
    and whose posts are all gone after this purge: their key can go, which makes every
    leftover pseudonym of that period unlinkable to a handle."""
    if pseudonymizer is None:
        return []
    grace = timedelta(days=policy.unsignalled_posts_days)
    doomed: list[str] = []
    for period in pseudonymizer.periods():
        end = _period_end(period)
        if period == STATIC_PERIOD or end is None or end + grace > now:
            continue
        remaining = set(session.scalars(select(Post.id).where(Post.pseudonym_period == period)))
        if remaining - purged_posts:
            continue
        doomed.append(period)
    return doomed


def purge(
    session: Session,
    backend: SearchBackend | None,
    policy: RetentionPolicy,
    now: datetime | None = None,
    *,
    dry_run: bool = False,
    pseudonymizer: Pseudonymizer | None = None,
    actor: str = PURGE_ACTOR,
) -> PurgeReport:
    """Delete everything past its limit (or, with dry_run, only report it). The caller commits."""
    now = now or utcnow()
    report = PurgeReport(dry_run=dry_run, now=now)
    report.signal_ids = _due_signals(session, policy, now)
    signal_ids = report.all_signal_ids
    report.post_ids = _due_posts(session, policy, now, signal_ids)
    report.partner_reports = sum(
        reports_in(session, chunk) for chunk in _chunks(signal_ids, policy.batch_size)
    )
    report.audit_events, last_audit_id, anchor = _due_audit(session, policy, now)
    report.audit_anchor_hash = anchor or None
    report.audit_last_id = last_audit_id
    report.keys_destroyed = _keys_to_destroy(
        session, pseudonymizer, policy, now, set(report.post_ids)
    )
    if dry_run:
        return report

    size = policy.batch_size
    if backend is not None:
        report.index_deleted = {
            "signals": sum(backend.delete("signals", c) for c in _chunks(signal_ids, size)),
            "posts": sum(backend.delete("posts", c) for c in _chunks(report.post_ids, size)),
            # Audit events are mirrored too (Elasticsearch); their copies go with them.
            "audit": sum(
                backend.delete("audit", c) for c in _audit_id_chunks(session, last_audit_id, size)
            ),
        }
    # Children go with their parents through ON DELETE CASCADE (decisions, enrichments,
    # signal_posts, notes on signals, escrow, reveal requests).
    for chunk in _chunks(signal_ids, size):
        session.execute(delete(Signal).where(Signal.id.in_(chunk)))
    for chunk in _chunks(report.post_ids, size):
        session.execute(delete(Post).where(Post.id.in_(chunk)))
    if report.audit_events:
        session.execute(delete(AuditEvent).where(AuditEvent.id <= last_audit_id))
    session.expire_all()
    record(
        session,
        actor=actor,
        action="retention.purge",
        target_type="retention",
        purpose="bewaartermijnen (retention policy)",
        details={
            "counts": report.counts(),
            "post_ids": report.post_ids,
            "signal_ids": report.signal_ids,
            "audit_events_purged": report.audit_events,
            "audit_anchor_hash": report.audit_anchor_hash,
            "keys_destroyed": report.keys_destroyed,
            "policy": policy.model_dump(),
        },
    )
    session.flush()
    if report.audit_events:
        skip_auto(session)  # purge_due anchors the new start of the chain after the commit
    return report


def destroy_keys(pseudonymizer: Pseudonymizer | None, periods: list[str]) -> list[str]:
    """Shred key files; call only after the purge committed (a rolled-back purge must not
    have lost the keys its surviving posts still need for access requests)."""
    if pseudonymizer is None:
        return []
    return [p for p in periods if pseudonymizer.destroy_key(p)]


def purge_due(dry_run: bool = False, now: datetime | None = None) -> dict:
    """The daily job: purge the configured database and index. Returns the report as a dict."""
    settings = get_settings()
    policy = load_policy()
    pseudonymizer = Pseudonymizer(settings.pseudonym_key_dir, settings.pseudonym_key)
    backend = None if dry_run else get_backend(settings)
    engine = get_engine(settings.database_url)
    with session_scope(engine) as session:
        report = purge(session, backend, policy, now, dry_run=dry_run, pseudonymizer=pseudonymizer)
    if not dry_run:
        destroy_keys(pseudonymizer, report.keys_destroyed)
        # The daily anchor; after a purge of old audit events it also records, signed, where
        # the stored chain now starts, so `verify` can tell retention from truncation.
        purged = Purged(report.audit_last_id, report.audit_anchor_hash or "", report.audit_events)
        write_checkpoint(engine, "retention", settings=settings, purged=purged)
    return report.as_dict()
