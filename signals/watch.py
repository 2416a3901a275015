"""`signals watch`: from post to signal in about a minute, safe to run beside the Airflow DAG.

The watcher is one long-lived process: the classifier is loaded once at start, every enabled
source is polled by its own `poll_interval_minutes`, sources on one host run one after another
(the collectors' process-wide domain gate keeps the per-domain delay), and each source's new
posts are stored and then enriched, detected, indexed and alerted as soon as that source is
done.

Whoever polls a source, the watcher or a DAG task, first takes that source's lease
(`signals.leases`); a source leased elsewhere is left alone. Processing takes the lease
`_process` (waiting for it), so two processes never tag or cluster the same posts at the same
time. The steps it shares with the DAG are in `signals.collect_and_detect`.

SIGTERM (and Ctrl-C) stop the loop: no new source is started, a source in flight is finished,
stored and processed, leases are released, exit status 0. Nothing is lost even on SIGKILL:
posts and the source's state are stored in one transaction, and posts stored but not yet
tagged are picked up by the next processing step (the backlog in signals.pipeline).
"""

from __future__ import annotations

import concurrent.futures as cf
import faulthandler
import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

import collectors
import nlp
from collectors.collect import poll_due
from collectors.net import Fetcher
from collectors.pacing import host_key
from nlp.model_files import model_dir_in_use
from signals.collect_and_detect import process_new_posts
from signals.config import Settings, get_settings
from signals.db.models import SourceStateRow
from signals.db.session import get_engine, session_scope
from signals.leases import (
    PROCESS_LEASE,
    PROCESS_LEASE_TTL_S,
    SOURCE_LEASE_TTL_S,
    acquire_lease,
    held_lease,
    holder_name,
    release_lease,
)
from signals.pipeline import (
    IntakeTotals,
    _load_state,
    _pseudonymizer,
    collector_settings,
    load_configured_sources,
    store_collect_result,
)
from signals.switches import autotag_enabled

log = logging.getLogger(__name__)

# Touched on every loop; older than a few ticks means the loop is stuck (health check).
HEARTBEAT_FILE = "watch.heartbeat"


@dataclass(slots=True)
class WatchSummary(IntakeTotals):
    model_load_s: float | None = None
    polls: int = 0
    leased_elsewhere: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    processing_errors: int = 0
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

    def on_signal(self, *_: object) -> None:
        """The SIGTERM/SIGINT handler. A handler runs in the main thread between two of its
        steps, perhaps inside `stop_event.wait()` while that holds the event's lock, which is
        not reentrant: `set()` there would wait for itself for ever (a fresh-clone test once saw
        the watcher hang after SIGTERM). A thread of its own sets the event once the main
        thread lets go of the lock."""
        threading.Thread(target=self.request_stop, name="watch-stop", daemon=True).start()

    def load_model(self) -> float | None:
        """Load the classifier once, so that the first post is not kept waiting for it."""
        engine = get_engine(self.settings.database_url)
        with session_scope(engine) as session:
            if not autotag_enabled(session):
                return None
        started = time.perf_counter()
        model_dir = model_dir_in_use(self.settings.model_dir)
        # Throw-away texts, so that the parts the NLP layer builds on first use (the
        # classifier, spaCy components, the sentence embedder of the second stage) are ready
        # before the first real post: one plain, one that reaches the second stage.
        nlp.enrich(
            [
                "Opwarmen: het weer in Almere is vandaag grijs.",
                "Iedereen vanavond om 20:00 naar het Stadhuisplein in Almere! Kom met zoveel "
                "mogelijk mensen en neem spandoeken mee, zeg het door.",
            ],
            model_dir=model_dir,
        )
        self.summary.model_load_s = round(time.perf_counter() - started, 2)
        log.info("watch: model loaded in %.1f s", self.summary.model_load_s)
        return self.summary.model_load_s

    def _due_groups(self) -> dict[str, list]:
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
        started = time.monotonic()
        if self.preload_model:
            try:
                self.load_model()
            except Exception:  # noqa: BLE001 - collection goes on; posts wait in the backlog
                log.exception("watch: the model could not be loaded; posts are stored untagged")

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
