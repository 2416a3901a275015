"""`signals watch`: from post to signal in about a minute, and the leases that make it safe to
run beside the Airflow DAG.

The watcher is one long-lived process: the classifier is loaded once at start, every enabled
source is polled by its own `poll_interval_minutes`, sources on one host run one after another
(the collectors' process-wide domain gate keeps the per-domain delay), and each source's new
posts are stored and then enriched, detected, indexed and alerted as soon as that source is
done.

Leases (table `source_leases`): whoever polls a source, the watcher or a DAG task, first takes
that source's lease; a source leased elsewhere is left alone. Enrichment and detection take the
lease `_process` (waiting for it), so two processes never tag or cluster the same posts at the
same time. A lease ends when released or when it expires (its holder died), so a crash blocks
a source for at most the lease's time to live.

SIGTERM (and Ctrl-C) stop the loop: no new source is started, a source in flight is finished,
stored and processed, leases are released, exit status 0. Nothing is lost even on SIGKILL:
posts and the source's state are stored in one transaction, and posts stored but not yet
tagged are picked up by the next processing step (the backlog in signals.pipeline).
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from signals.config import Settings, get_settings
from signals.db.models import SourceLease, SourceStateRow
from signals.db.session import get_engine, session_scope
from signals.db.types import utcnow

log = logging.getLogger(__name__)

PROCESS_LEASE = "_process"
# A source's lease outlives its longest poll (a page crawl may take crawl_timeout_s) with room
# for storing and processing; a dead holder blocks the source at most this long.
SOURCE_LEASE_TTL_S = 15 * 60.0
PROCESS_LEASE_TTL_S = 30 * 60.0
WATCH_ACTOR = "system:watch"
# Touched on every loop; older than a few ticks means the loop is stuck (health check).
HEARTBEAT_FILE = "watch.heartbeat"


def holder_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"[:128]


# -- leases ------------------------------------------------------------------------------------


def acquire_lease(engine: Engine, source_id: str, holder: str, ttl_s: float) -> bool:
    """Take (or renew) the lease of `source_id` for `holder`; False if someone else holds an
    unexpired one. Atomic on SQLite and PostgreSQL: one conditional UPDATE, else one INSERT
    that the primary key lets only one contender win."""
    table = SourceLease.__table__
    now = utcnow()
    values = {"holder": holder, "expires_at": now + timedelta(seconds=ttl_s), "acquired_at": now}
    with engine.begin() as conn:
        taken = conn.execute(
            update(table)
            .where(table.c.source_id == source_id)
            .where(or_(table.c.expires_at < now, table.c.holder == holder))
            .values(**values)
        ).rowcount
    if taken:
        return True
    try:
        with engine.begin() as conn:
            conn.execute(insert(table).values(source_id=source_id, **values))
    except IntegrityError:
        return False
    return True


def release_lease(engine: Engine, source_id: str, holder: str) -> None:
    table = SourceLease.__table__
    with engine.begin() as conn:
        conn.execute(
            delete(table).where(table.c.source_id == source_id, table.c.holder == holder)
        )


def lease_holder(engine: Engine, source_id: str) -> str | None:
    """The holder of an unexpired lease on `source_id`, if any."""
    with session_scope(engine) as session:
        lease = session.get(SourceLease, source_id)
        if lease is None or lease.expires_at < utcnow():
            return None
        return lease.holder


@contextmanager
def held_lease(
    engine: Engine,
    source_id: str,
    holder: str,
    *,
    ttl_s: float = PROCESS_LEASE_TTL_S,
    wait_s: float = 0.0,
    stop: threading.Event | None = None,
) -> Iterator[bool]:
    """Hold the lease for the block, waiting up to `wait_s` for it (or until `stop` is set);
    yields whether it was obtained."""
    deadline = time.monotonic() + wait_s
    pause = 0.05
    got = acquire_lease(engine, source_id, holder, ttl_s)
    while not got and time.monotonic() < deadline and not (stop and stop.is_set()):
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, 1.0)
        got = acquire_lease(engine, source_id, holder, ttl_s)
    try:
        yield got
    finally:
        if got:
            release_lease(engine, source_id, holder)


# -- what the DAG tasks call ------------------------------------------------------------------


def source_groups(sources_path: str | None = None) -> list[dict]:
    """The enabled sources grouped by host (scheme://host:port), one group per mapped collect
    task: sources of one host are polled one after another by one task, so that the collectors'
    per-domain politeness holds without any Airflow pool."""
    from collectors.net import host_key
    from signals.pipeline import load_configured_sources

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
            "host": self.host,
            "outcomes": self.outcomes,
            "leased_elsewhere": self.leased_elsewhere,
            "failed": self.failed,
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
    import collectors
    from collectors.collect import poll_due
    from signals.pipeline import (
        SourceOutcome,
        _last_poll,
        _load_state,
        _pseudonymizer,
        collector_settings,
        load_configured_sources,
        store_collect_result,
    )

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
    from signals.pipeline import process_in_session

    settings = settings or get_settings()
    engine = get_engine(settings.database_url)
    with held_lease(engine, PROCESS_LEASE, holder, wait_s=wait_s, stop=stop) as got:
        if not got:
            other = lease_holder(engine, PROCESS_LEASE)
            raise TimeoutError(f"the processing lease is held by {other}")
        with session_scope(engine) as session:
            outcome = process_in_session(session, list(post_ids), settings)
            if audit_details is not None and outcome.enriched:
                from signals.audit import record

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


# -- the watcher --------------------------------------------------------------------------------


@dataclass(slots=True)
class WatchSummary:
    model_load_s: float | None = None
    polls: int = 0
    leased_elsewhere: int = 0
    new_posts: int = 0
    new_signals: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    processing_errors: int = 0
    seconds: float = 0.0
    stuck: bool = False  # something did not finish within the stop timeout


class Watcher:
    """The long-lived loop behind `signals watch`."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        tick_s: float = 1.0,
        holder: str | None = None,
        collector_overrides: dict[str, Any] | None = None,
        preload_model: bool = True,
        on_processed: Callable[[str, dict], None] | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.tick_s = tick_s
        self.holder = holder or holder_name("watch")
        self.collector_overrides = collector_overrides or {}
        self.preload_model = preload_model
        self.on_processed = on_processed
        self.stop_event = threading.Event()
        self.summary = WatchSummary()
        self._busy_hosts: set[str] = set()
        self._busy_lock = threading.Lock()
        self._db_lock = threading.Lock()  # SQLite: one writer at a time within this process
        self._not_before: dict[str, float] = {}  # source id -> monotonic time of next attempt
        self._tick_error: str | None = None
        # One fetcher for the watcher's life (made in run()): robots.txt is read once an hour
        # per host, not before every poll. Thread-safe (per-thread deadlines, locked cache).
        self._fetcher: Any = None
        # (source id, new post ids) stored by the collecting threads, for the processing thread.
        self._stored: queue.Queue[tuple[str, list[int]]] = queue.Queue()

    def request_stop(self, *_: object) -> None:
        if not self.stop_event.is_set():
            log.info("watch: stopping after the sources in flight")
        self.stop_event.set()

    def load_model(self) -> float | None:
        """Load the classifier once, so that the first post is not kept waiting for it."""
        from signals.switches import autotag_enabled

        engine = get_engine(self.settings.database_url)
        with session_scope(engine) as session:
            if not autotag_enabled(session):
                return None
        started = time.perf_counter()
        import nlp
        from nlp.api import get_enricher

        get_enricher()
        # Throw-away texts, so that the parts the NLP layer builds on first use (spaCy
        # components, the sentence embedder of the second stage) are ready before the first
        # real post: one plain, one that reaches the second stage.
        nlp.enrich([
            "Opwarmen: het weer in Almere is vandaag grijs.",
            "Iedereen vanavond om 20:00 naar het Stadhuisplein in Almere! Kom met zoveel "
            "mogelijk mensen en neem spandoeken mee, zeg het door.",
        ])
        self.summary.model_load_s = round(time.perf_counter() - started, 2)
        log.info("watch: model loaded in %.1f s", self.summary.model_load_s)
        return self.summary.model_load_s

    def _due_groups(self) -> dict[str, list]:
        from collectors.collect import poll_due
        from collectors.net import host_key
        from signals.pipeline import load_configured_sources

        sources = [s for s in load_configured_sources(self.settings) if s.enabled]
        engine = get_engine(self.settings.database_url)
        with session_scope(engine) as session:
            last = dict(session.execute(select(SourceStateRow.source_id,
                                               SourceStateRow.last_poll_at)).all())
        now, mono = datetime.now(UTC), time.monotonic()
        groups: dict[str, list] = defaultdict(list)
        for source in sources:
            if self._not_before.get(source.id, 0.0) > mono:
                continue
            if poll_due(source, last.get(source.id), now):
                groups[host_key(str(source.url))].append(source)
        with self._busy_lock:
            return {h: g for h, g in groups.items() if h not in self._busy_hosts}

    def _run_host(self, host: str, group: list) -> None:
        try:
            for source in group:
                if self.stop_event.is_set():
                    break
                self._run_source(source)
        finally:
            with self._busy_lock:
                self._busy_hosts.discard(host)

    def _run_source(self, source: Any) -> None:  # source: SourceConfig
        import collectors
        from signals.pipeline import (
            _load_state,
            _pseudonymizer,
            collector_settings,
            store_collect_result,
        )

        engine = get_engine(self.settings.database_url)
        # Not again within its interval (less poll_due's slack) even if storing fails: a
        # database problem must not turn into hammering a site.
        self._not_before[source.id] = time.monotonic() + 54.0 * source.poll_interval_minutes
        try:
            leased = acquire_lease(engine, source.id, self.holder, SOURCE_LEASE_TTL_S)
        except Exception:  # noqa: BLE001 - e.g. the database restarting: next interval
            log.exception("watch: could not take the lease of %s", source.id)
            return
        if not leased:
            self.summary.leased_elsewhere += 1
            return
        try:
            with session_scope(engine) as session:
                state = _load_state(session, source.id)
            result = collectors.collect_source(
                source,
                state,
                collector_settings(self.settings, **self.collector_overrides),
                fetcher=self._fetcher,
            )
            with self._db_lock, session_scope(engine) as session:
                outcome = store_collect_result(
                    session, result, _pseudonymizer(self.settings), source
                )
            self.summary.polls += 1
            if outcome.error:
                self.summary.errors[source.id] = outcome.error
                log.warning("watch: source %s failed: %s", source.id, outcome.error)
            else:
                self.summary.errors.pop(source.id, None)
            if outcome.new_post_ids:
                log.info("watch: %s: %d new post(s) stored (poll %.1f s)", source.id,
                         len(outcome.new_post_ids), (result.latency_ms or 0.0) / 1000)
                self.summary.new_posts += len(outcome.new_post_ids)
                # Processed by the processing thread at once; this host goes on polling.
                self._stored.put((source.id, list(outcome.new_post_ids)))
        except Exception:  # noqa: BLE001 - one source must never stop the watcher
            log.exception("watch: source %s crashed", source.id)
            self.summary.errors[source.id] = "internal error (see the log)"
        finally:
            try:
                release_lease(engine, source.id, self.holder)
            except Exception:  # noqa: BLE001 - it expires by itself
                log.exception("watch: could not release the lease of %s", source.id)

    def _process_stored(self, *, block: bool) -> None:
        """Process what the sources stored since the last call, all of it in one step."""
        try:
            batch = [self._stored.get(timeout=0.2 if block else 0.0)]
        except queue.Empty:
            return
        while True:
            try:
                batch.append(self._stored.get_nowait())
            except queue.Empty:
                break
        post_ids = sorted({i for _, ids in batch for i in ids})
        sources = sorted({sid for sid, _ in batch})
        engine = get_engine(self.settings.database_url)
        started = time.monotonic()
        try:
            # Wait for the processing lease (the DAG's `process` may hold it) without blocking
            # this process's collecting threads; stopping ends the wait (the posts stay stored
            # and are the next processing step's backlog).
            with held_lease(engine, PROCESS_LEASE, self.holder, wait_s=PROCESS_LEASE_TTL_S,
                            stop=self.stop_event) as got:
                if not got:
                    log.warning("watch: processing lease not had; %d post(s) left as backlog",
                                len(post_ids))
                    return
                with self._db_lock:
                    processed = process_new_posts(
                        post_ids,
                        holder=self.holder,  # ours already: renewed at once
                        settings=self.settings,
                        audit_details={"mode": "watch", "sources": sources,
                                       "new_posts": len(post_ids)},
                    )
        except Exception:  # noqa: BLE001 - the posts are stored; the backlog retries them
            self.summary.processing_errors += 1
            log.exception("watch: processing the new posts of %s failed", ", ".join(sources))
            return
        self.summary.new_signals += len(processed["new_signal_ids"])
        log.info("watch: %d post(s) of %s processed in %.2f s: %d signal(s) touched, %d new",
                 len(post_ids), ", ".join(sources), time.monotonic() - started,
                 len(processed["signal_ids"]), len(processed["new_signal_ids"]))
        if self.on_processed is not None:
            for source_id in sources:
                self.on_processed(source_id, processed)

    def _processing_loop(self, collecting_done: threading.Event) -> None:
        while not (collecting_done.is_set() and self._stored.empty()):
            self._process_stored(block=True)

    @property
    def heartbeat_path(self) -> Any:  # Path
        return self.settings.var_dir / HEARTBEAT_FILE

    def _beat(self) -> None:
        """Touch the heartbeat file once per loop (the container's health check reads it)."""
        try:
            self.heartbeat_path.parent.mkdir(parents=True, exist_ok=True)
            self.heartbeat_path.touch()
        except OSError:
            log.warning("watch: cannot write %s", self.heartbeat_path)

    def run(
        self, *, max_seconds: float | None = None, stop_timeout_s: float = 210.0
    ) -> WatchSummary:
        """Loop until `request_stop()` (or `max_seconds`). Stopping waits for the sources in
        flight and the processing of what they stored, at most `stop_timeout_s` (a poll is
        bounded by the collectors' deadlines, well below it); if something is still stuck
        then, every thread's stack is logged and `summary.stuck` is set (the CLI then exits
        with status 1 instead of hanging; stored posts are safe, a poll cut short is repeated
        because a source's state is saved only with its posts)."""
        import concurrent.futures as cf
        import faulthandler

        started = time.monotonic()
        if self.preload_model:
            try:
                self.load_model()
            except Exception:  # noqa: BLE001 - collection goes on; posts wait in the backlog
                log.exception("watch: the model could not be loaded; posts are stored untagged")
        from collectors.net import Fetcher
        from signals.pipeline import collector_settings

        fetch_settings = collector_settings(self.settings, **self.collector_overrides)
        workers = fetch_settings.max_workers
        self._fetcher = Fetcher(fetch_settings)
        collecting_done = threading.Event()
        processor = threading.Thread(
            target=self._processing_loop, args=(collecting_done,), name="watch-process",
            daemon=True,
        )
        processor.start()
        pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="watch")
        futures: set[cf.Future[None]] = set()
        try:
            while not self.stop_event.is_set():
                if max_seconds is not None and time.monotonic() - started > max_seconds:
                    break
                try:
                    groups = self._due_groups()
                    self._tick_error = None
                except Exception as exc:  # noqa: BLE001 - e.g. the database restarting
                    if repr(exc) != self._tick_error:  # once per distinct problem, not per tick
                        log.exception("watch: could not read the sources or their state")
                    self._tick_error = repr(exc)
                    groups = {}
                for host, group in groups.items():
                    with self._busy_lock:
                        self._busy_hosts.add(host)
                    futures.add(pool.submit(self._run_host, host, group))
                futures = {f for f in futures if not f.done()}
                self._beat()
                self.stop_event.wait(self.tick_s)
        finally:
            self.stop_event.set()  # the hosts in flight finish their current source only
            deadline = time.monotonic() + stop_timeout_s
            _, pending = cf.wait(futures, timeout=stop_timeout_s)
            pool.shutdown(wait=False, cancel_futures=True)
            collecting_done.set()  # the processing thread empties the queue, then ends
            processor.join(timeout=max(0.0, deadline - time.monotonic()))
            if not pending:
                self._fetcher.close()
            if pending or processor.is_alive():
                self.summary.stuck = True
                log.error("watch: still busy %.0f s after the stop request; stacks follow",
                          stop_timeout_s)
                faulthandler.dump_traceback(all_threads=True)
        self.summary.seconds = round(time.monotonic() - started, 2)
        return self.summary
