"""Collect and process under leases: the steps the Airflow DAG `collect_and_detect` calls (one
task each) and the watcher runs in its loop. A source's posts are stored as soon as that source
is done; processing (enrich, detect, index, alert) holds the `_process` lease.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import collectors
from collectors.collect import poll_due
from collectors.pacing import host_key
from signals.audit import record
from signals.config import Settings, get_settings
from signals.db.session import get_engine, session_scope
from signals.leases import (
    PROCESS_LEASE,
    SOURCE_LEASE_TTL_S,
    acquire_lease,
    held_lease,
    lease_holder,
    release_lease,
)
from signals.pipeline import (
    SourceOutcome,
    _last_poll,
    _load_state,
    _pseudonymizer,
    collector_settings,
    load_configured_sources,
    process_in_session,
    store_collect_result,
)

log = logging.getLogger(__name__)

WATCH_ACTOR = "system:watch"


def source_groups(sources_path: str | None = None) -> list[dict]:
    """The enabled sources grouped by host (scheme://host:port), one group per mapped collect
    task: sources of one host are polled one after another by one task, so that the collectors'
    per-domain politeness holds without any Airflow pool."""
    groups: dict[str, list[str]] = defaultdict(list)
    for source in load_configured_sources(sources_path=sources_path):
        if source.enabled:
            groups[host_key(str(source.url))].append(source.id)
    return [{"host": host, "source_ids": sorted(ids)} for host, ids in sorted(groups.items())]


@dataclass(slots=True)
class GroupOutcome:
    host: str = ""
    outcomes: list[dict] = field(default_factory=list)  # SourceOutcome.as_dict() per source
    leased_elsewhere: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # source id -> error

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "new_post_ids": [i for o in self.outcomes for i in o.get("new_post_ids") or []],
        }


def collect_sources(
    source_ids: Sequence[str],
    *,
    holder: str,
    force: bool = False,
    settings: Settings | None = None,
    collector_overrides: dict[str, Any] | None = None,
) -> GroupOutcome:
    """Poll the given sources that are due and not leased elsewhere, storing each one's posts
    as soon as it is done; each source's lease is held from before its poll until its posts
    are stored. A source's problem is reported in `failed`, never raised."""
    settings = settings or get_settings()
    engine = get_engine(settings.database_url)
    by_id = {s.id: s for s in load_configured_sources(settings)}
    group = GroupOutcome()
    chosen = []
    now = datetime.now(UTC)
    for source_id in source_ids:
        source = by_id.get(source_id)
        if source is None or not source.enabled:
            # Removed or disabled since the run was planned: nothing to poll, nothing failed.
            log.info("source %s is no longer configured and enabled; skipped", source_id)
            continue
        with session_scope(engine) as session:
            due = force or poll_due(source, _last_poll(session, source_id), now)
        if not due:
            group.outcomes.append(SourceOutcome(source_id, not_due=True).as_dict())
        elif acquire_lease(engine, source_id, holder, SOURCE_LEASE_TTL_S):
            chosen.append(source)
        else:
            group.leased_elsewhere.append(source_id)
    if not chosen:
        return group
    with session_scope(engine) as session:
        states = {s.id: st for s in chosen if (st := _load_state(session, s.id)) is not None}
    pseudonymizer = _pseudonymizer(settings)

    def store(result: collectors.CollectResult) -> None:
        try:
            with session_scope(engine) as session:
                outcome = store_collect_result(
                    session, result, pseudonymizer, by_id.get(result.source_id)
                )
        finally:
            release_lease(engine, result.source_id, holder)
        group.outcomes.append(outcome.as_dict())

    try:
        results = collectors.collect_many(
            chosen,
            states,
            collector_settings(settings, **(collector_overrides or {})),
            on_result=store,
        )
    finally:
        for source in chosen:  # a source whose result never came back (a crash)
            release_lease(engine, source.id, holder)
    for result in results:
        if result.error:
            group.failed[result.source_id] = result.error
    return group


def process_new_posts(
    post_ids: Iterable[int],
    *,
    holder: str,
    wait_s: float = 15 * 60.0,
    settings: Settings | None = None,
    stop: threading.Event | None = None,
    audit_details: dict[str, Any] | None = None,
) -> dict:
    """Enrich, detect, index and alert for `post_ids` plus the untagged backlog, holding the
    `_process` lease so that the watcher and the DAG never process the same posts at once.
    Raises TimeoutError if the lease cannot be had within `wait_s` (the posts stay stored and
    are picked up by the next run)."""
    settings = settings or get_settings()
    engine = get_engine(settings.database_url)
    with held_lease(engine, PROCESS_LEASE, holder, wait_s=wait_s, stop=stop) as got:
        if not got:
            other = lease_holder(engine, PROCESS_LEASE)
            raise TimeoutError(f"the processing lease is held by {other}")
        with session_scope(engine) as session:
            outcome = process_in_session(session, list(post_ids), settings)
            if audit_details is not None and outcome.enriched:
                record(
                    session,
                    actor=WATCH_ACTOR,
                    action="pipeline.run",
                    target_type="pipeline",
                    purpose="collect, enrich, detect, index",
                    details={**audit_details, "enriched": outcome.enriched,
                             "signal_ids": outcome.signal_ids},
                )
    return outcome.as_dict()


def flatten_outcomes(collected: object) -> list[int]:
    """New post ids from what the collect tasks returned: dicts, lists of dicts or Airflow's
    lazy sequence of mapped results. That one is read with one slice, never iterated: its
    iterator asks for one item past the end, which Airflow logs as an error ("XCom not found
    ... offset=N") on every run."""
    ids: list[int] = []
    stack: list[object] = [collected]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, str | bytes):
            continue
        if isinstance(item, dict):
            ids.extend(item.get("new_post_ids") or [])
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, Sequence):
            stack.extend(item[:])
    return sorted(set(ids))
