"""Collect one source or many: the collector registered for the source's kind does the
platform's part, then the shared rules apply (language, skips reported once), and sources of
one host run one after another. Never raises for a source's problems: they go into the
result."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from collectors.errors import FetchError
from collectors.models import CollectResult, SourceConfig, SourceState
from collectors.net import Fetcher
from collectors.pacing import host_key
from collectors.registry import REGISTRY, CollectorRegistry, UnknownSourceKind
from collectors.seen import ReportedSkips
from collectors.settings import CollectorSettings
from nlp.language import detect

log = logging.getLogger(__name__)


def collect_source(
    source: SourceConfig,
    state: SourceState | None,
    settings: CollectorSettings,
    *,
    fetcher: Fetcher | None = None,
    registry: CollectorRegistry | None = None,
) -> CollectResult:
    """Collect new or changed items of one source with the collector `registry` (by default
    the built-in one) has for its kind. Persist `result.state` only after the posts are
    stored, so a crash in between re-delivers instead of losing items."""
    state = state or SourceState(source_id=source.id)
    result = CollectResult(source_id=source.id, state=state)
    started = time.monotonic()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        collector = (registry or REGISTRY).collector_for(source.kind)
        collector.collect(source, state, settings, fetcher, result)
    except (UnknownSourceKind, FetchError) as exc:
        result.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad source must never stop the run
        log.exception("collector crashed on source %s", source.id)
        result.error = f"internal collector error: {type(exc).__name__}: {exc}"
    finally:
        if own_fetcher:
            fetcher.close()
    result.latency_ms = (time.monotonic() - started) * 1000.0
    for post in result.posts:
        post.language = detect(f"{post.title}\n{post.text}", source.language)
    report_new_skips(state, result, settings)
    return result


def report_new_skips(
    state: SourceState, result: CollectResult, settings: CollectorSettings
) -> None:
    """Keep in `result.skipped` only the skips not reported on an earlier poll; remember the
    reported ones in the state that will be persisted."""
    if not result.skipped:
        if result.state is not None and result.state is not state:
            result.state.reported_skips = state.reported_skips
        return
    reported = ReportedSkips.from_json(state.reported_skips)
    fresh = [skip for skip in result.skipped if reported.add(skip.key or skip.url, skip.reason)]
    result.repeated_skips = len(result.skipped) - len(fresh)
    result.skipped = fresh
    if result.state is None:
        result.state = SourceState(
            source_id=state.source_id,
            etag=state.etag,
            last_modified=state.last_modified,
            cursor=state.cursor,
        )
    result.state.reported_skips = reported.to_json(settings.seen_limit)


def poll_due(
    source: SourceConfig, last_poll_at: datetime | None, now: datetime | None = None
) -> bool:
    """Whether `source` should be polled now by its `poll_interval_minutes`. A little slack
    (a tenth of the interval, at most a minute) absorbs the scheduler's own jitter, so a
    15-minute source on a 5-minute schedule is polled every 15 minutes, not every 20."""
    if last_poll_at is None:
        return True
    now = now or datetime.now(UTC)
    if last_poll_at.tzinfo is None:
        last_poll_at = last_poll_at.replace(tzinfo=UTC)
    interval = timedelta(minutes=source.poll_interval_minutes)
    slack = min(timedelta(minutes=1), interval / 10)
    return now >= last_poll_at + interval - slack


def collect_many(
    sources: list[SourceConfig],
    states: dict[str, SourceState],
    settings: CollectorSettings,
    *,
    on_result: Callable[[CollectResult], None] | None = None,
    registry: CollectorRegistry | None = None,
) -> list[CollectResult]:
    """Collect all enabled sources; one failing source never stops the others.

    Sources on the same host run one after another (concurrency 1 per domain); different
    hosts run in parallel. Results come back in the order of `sources`. `on_result` is called
    with each source's result as soon as that source is done (one call at a time), so the
    caller can store it before slower sources finish; if it raises, the error is recorded on
    that result and the run goes on."""
    enabled = [s for s in sources if s.enabled]
    by_host: dict[str, list[SourceConfig]] = defaultdict(list)
    for source in enabled:
        by_host[host_key(str(source.url))].append(source)
    results: dict[str, CollectResult] = {}
    deliver = threading.Lock()

    def run_group(group: list[SourceConfig], fetcher: Fetcher) -> None:
        for source in group:
            try:
                result = collect_source(
                    source, states.get(source.id), settings, fetcher=fetcher, registry=registry
                )
            except Exception as exc:  # noqa: BLE001 - belt and braces
                result = CollectResult(
                    source_id=source.id, state=states.get(source.id), error=str(exc)
                )
            results[source.id] = result
            if on_result is None:
                continue
            with deliver:
                try:
                    on_result(result)
                except Exception as exc:  # noqa: BLE001 - storing one source must not stop the rest
                    log.exception("handling the result of source %s failed", source.id)
                    result.error = f"{result.error + '; ' if result.error else ''}" + (
                        f"could not be stored: {type(exc).__name__}: {exc}"
                    )

    with Fetcher(settings) as fetcher:
        workers = max(1, min(settings.max_workers, len(by_host)))
        if workers == 1:
            for group in by_host.values():
                run_group(group, fetcher)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for future in [pool.submit(run_group, g, fetcher) for g in by_host.values()]:
                    future.result()
    return [results[s.id] for s in enabled]
