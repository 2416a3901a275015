"""collect → store → enrich → detect → index → alert. The CLI, the demo and the DAGs call these."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import collectors
from collectors.collect import poll_due
from collectors.models import CollectResult, SourceConfig, SourceState
from signals.alerts import send_alerts
from signals.audit import record
from signals.config import Settings, get_settings
from signals.db.models import Post, Signal, SourceStateRow
from signals.db.session import get_engine, session_scope
from signals.db.types import utcnow
from signals.detection.lifecycle import detect, refresh_signals
from signals.enrichment import enrich_posts
from signals.indexing import index_posts, index_signals
from signals.intake import store_raw_posts
from signals.privacy.escrow import hook_for
from signals.privacy.pseudonym import Pseudonymizer
from signals.search import get_backend

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "system:pipeline"


def load_configured_sources(
    settings: Settings | None = None, sources_path: str | Path | None = None
) -> list[SourceConfig]:

    settings = settings or get_settings()
    substitutions = {"base_url": settings.sources_base_url} if settings.sources_base_url else None
    return collectors.load_sources(
        sources_path or settings.sources_path, substitutions=substitutions
    )


def collector_settings(settings: Settings, **overrides: object):  # -> CollectorSettings
    """Politeness settings: the `defaults:` block of the sources file, then the environment."""
    defaults = collectors.load_defaults(settings.sources_path)
    if settings.contact_set or "contact" not in defaults:
        overrides.setdefault("contact", settings.contact)
    if settings.user_agent_set:
        overrides.setdefault("user_agent", f"{settings.user_agent} (+mailto:{settings.contact})")
    return collectors.CollectorSettings.from_defaults(defaults, **overrides)


def _load_state(session: Session, source_id: str) -> SourceState | None:
    row = session.get(SourceStateRow, source_id)
    if row is None:
        return None
    return SourceState(
        source_id,
        etag=row.etag,
        last_modified=row.last_modified,
        cursor=row.cursor,
        reported_skips=row.reported_skips,
    )


def _last_poll(session: Session, source_id: str) -> datetime | None:
    return session.scalar(
        select(SourceStateRow.last_poll_at).where(SourceStateRow.source_id == source_id)
    )


def _save_state(session: Session, result: CollectResult) -> None:
    row = session.get(SourceStateRow, result.source_id)
    if row is None:
        row = SourceStateRow(source_id=result.source_id, polls=0, errors=0, total_latency_ms=0.0)
        session.add(row)
    now = utcnow()
    # When the poll started, so that the poll interval is measured start to start.
    row.last_poll_at = now - timedelta(milliseconds=result.latency_ms or 0.0)
    row.polls = (row.polls or 0) + 1
    row.total_latency_ms = (row.total_latency_ms or 0.0) + (result.latency_ms or 0.0)
    if result.state is not None:
        row.etag = result.state.etag
        row.last_modified = result.state.last_modified
        row.cursor = result.state.cursor
        row.reported_skips = result.state.reported_skips
    if result.error:
        row.errors = (row.errors or 0) + 1
        row.last_error_at = now
        row.last_error = result.error[:2000]
    else:
        row.last_success_at = now


@dataclass(slots=True)
class SourceOutcome:
    source_id: str
    new_post_ids: list[int] = field(default_factory=list)  # new items and new versions
    duplicates: int = 0
    skipped: int = 0  # newly skipped items (a skip reported on an earlier poll is not counted)
    not_modified: bool = False
    error: str | None = None
    new_versions: int = 0
    not_due: bool = False  # not polled: its poll interval has not passed yet

    def as_dict(self) -> dict:
        return asdict(self)


def store_collect_result(
    session: Session,
    result: CollectResult,
    pseudonymizer: Pseudonymizer,
    source: SourceConfig | None = None,
) -> SourceOutcome:
    escrow = hook_for(source) if source is not None else None
    intake = store_raw_posts(session, result.posts, pseudonymizer, escrow=escrow)
    _save_state(session, result)
    return SourceOutcome(
        source_id=result.source_id,
        new_post_ids=intake.new_post_ids,
        duplicates=intake.duplicates,
        skipped=len(result.skipped),
        not_modified=result.not_modified,
        error=result.error,
        new_versions=intake.new_versions,
    )


def _pseudonymizer(settings: Settings) -> Pseudonymizer:
    return Pseudonymizer(settings.pseudonym_key_dir, settings.pseudonym_key)


@dataclass(slots=True)
class ProcessOutcome:
    enriched: int = 0
    flagged_post_ids: list[int] = field(default_factory=list)
    signal_ids: list[int] = field(default_factory=list)
    new_signal_ids: list[int] = field(default_factory=list)
    indexed: int = 0
    alerts: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


# Posts a crashed or switched-off run left untagged are picked up by the next run, this many at
# most per run so that a long backlog cannot make one run unbounded.
BACKLOG_BATCH = 5000


def with_backlog(session: Session, post_ids: list[int]) -> list[int]:
    """The given posts plus stored posts that were never enriched (e.g. the process died
    between storing and tagging them, or automated tagging was off)."""
    backlog = session.scalars(
        select(Post.id).where(Post.enriched.is_(False)).order_by(Post.id).limit(BACKLOG_BATCH)
    ).all()
    return sorted(set(post_ids) | set(backlog))


def process_in_session(
    session: Session, post_ids: list[int], settings: Settings, *, alert: bool = True
) -> ProcessOutcome:
    outcome = ProcessOutcome()
    post_ids = with_backlog(session, post_ids)
    flagged = enrich_posts(session, post_ids)
    outcome.enriched = len(post_ids)
    outcome.flagged_post_ids = flagged
    detected = detect(session, flagged)
    outcome.signal_ids = list(detected.signal_ids)
    outcome.new_signal_ids = list(detected.new_signal_ids)
    session.flush()
    backend = get_backend(settings)
    outcome.indexed = index_posts(session, backend, post_ids) + index_signals(
        session, backend, outcome.signal_ids
    )
    if alert and outcome.signal_ids:
        outcome.alerts = sum(
            1 for a in send_alerts(session, outcome.signal_ids, settings) if a.sent
        )
    return outcome


def refresh_open_signals() -> dict:
    """Re-score open signals so that urgency follows the clock; re-index what changed."""
    settings = get_settings()
    with session_scope(get_engine(settings.database_url)) as session:
        changed = refresh_signals(session)
        index_signals(session, get_backend(settings), changed)
    return {"changed_signal_ids": changed}


@dataclass(slots=True)
class IntakeTotals:
    """What every intake reports, a single run (`RunSummary`) and the watch loop alike."""

    new_posts: int = 0
    new_signals: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class RunSummary(IntakeTotals):
    sources_polled: int = 0
    sources_not_due: int = 0  # enabled, but their poll interval has not passed yet
    source_errors: dict[str, str] = field(default_factory=dict)
    new_versions: int = 0  # of the new posts, edits of items stored before
    duplicate_posts: int = 0
    skipped_items: int = 0
    not_modified: int = 0
    enriched: int = 0
    signals_touched: int = 0
    signals_by_type: dict[str, int] = field(default_factory=dict)
    alerts: int = 0


def run_pipeline(
    settings: Settings | None = None,
    sources: list[SourceConfig] | None = None,
    *,
    alert: bool = True,
    collector_overrides: dict[str, object] | None = None,
    force: bool = False,
) -> RunSummary:
    """One pass over the enabled sources that are due by their `poll_interval_minutes` (all
    of them with `force`). Each source's posts are stored as soon as that source is done, so
    a slow or hanging source holds back nothing; then the new posts are processed. Audited
    as one pipeline run."""
    settings = settings or get_settings()
    started = time.perf_counter()
    enabled = [s for s in (sources or load_configured_sources(settings)) if s.enabled]
    engine = get_engine(settings.database_url)
    summary = RunSummary()
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        sources = [s for s in enabled if force or poll_due(s, _last_poll(session, s.id), now)]
        states = {s.id: st for s in sources if (st := _load_state(session, s.id)) is not None}
    summary.sources_polled = len(sources)
    summary.sources_not_due = len(enabled) - len(sources)
    pseudonymizer = _pseudonymizer(settings)
    by_id = {s.id: s for s in sources}
    new_ids: list[int] = []
    store_lock = threading.Lock()

    def store(result: CollectResult) -> None:
        # Called once per source as soon as it is done (collect_many serialises the calls).
        with store_lock, session_scope(engine) as session:
            outcome = store_collect_result(
                session, result, pseudonymizer, by_id.get(result.source_id)
            )
        new_ids.extend(outcome.new_post_ids)
        summary.duplicate_posts += outcome.duplicates
        summary.skipped_items += outcome.skipped
        summary.not_modified += int(outcome.not_modified)
        summary.new_versions += outcome.new_versions
        if outcome.error:
            summary.source_errors[outcome.source_id] = outcome.error
            log.warning("source %s failed: %s", outcome.source_id, outcome.error)

    results = collectors.collect_many(
        sources,
        states,
        collector_settings(settings, **(collector_overrides or {})),
        on_result=store,
    )
    for result in results:
        # A source whose storing failed: its error (set by collect_many) is still reported.
        if result.error and result.source_id not in summary.source_errors:
            summary.source_errors[result.source_id] = result.error
    summary.new_posts = len(new_ids)
    with session_scope(engine) as session:
        processed = process_in_session(session, new_ids, settings, alert=alert)
        summary.enriched = processed.enriched
        summary.signals_touched = len(processed.signal_ids)
        summary.new_signals = len(processed.new_signal_ids)
        summary.alerts = processed.alerts
        types: Counter[str] = Counter()
        for signal_types in session.scalars(
            select(Signal.types).where(Signal.id.in_(processed.signal_ids))
        ):
            types.update(signal_types)
        summary.signals_by_type = dict(types)
        summary.seconds = round(time.perf_counter() - started, 3)
        record(
            session,
            actor=SYSTEM_ACTOR,
            action="pipeline.run",
            target_type="pipeline",
            purpose="collect, enrich, detect, index",
            details={
                "sources": summary.sources_polled,
                "sources_not_due": summary.sources_not_due,
                "source_errors": sorted(summary.source_errors),
                "new_posts": summary.new_posts,
                "duplicates": summary.duplicate_posts,
                "new_signals": summary.new_signals,
                "signal_ids": processed.signal_ids,
            },
        )
    return summary
