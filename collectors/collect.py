"""Collect one source or many: dispatch by kind, then the shared rules (dates, incremental
dedup, language). Never raises for a source's problems: they go into the result."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from collectors.feed import NotAFeedError, items_to_posts, parse_feed
from collectors.models import (
    CollectResult,
    ItemSkip,
    RawPost,
    SourceConfig,
    SourceKind,
    SourceState,
)
from collectors.net import Fetcher, FetchError, host_key
from collectors.seen import ReportedSkips, SeenItems
from collectors.settings import CollectorSettings
from collectors.text import detect_language

log = logging.getLogger(__name__)

_FEED_KINDS = {SourceKind.FEED, SourceKind.MASTODON_TAG, SourceKind.REDDIT}


def collect_source(
    source: SourceConfig,
    state: SourceState | None,
    settings: CollectorSettings,
    *,
    fetcher: Fetcher | None = None,
) -> CollectResult:
    """Collect new or changed items of one source. Persist `result.state` only after the
    posts are stored, so a crash in between re-delivers instead of losing items."""
    state = state or SourceState(source_id=source.id)
    result = CollectResult(source_id=source.id, state=state)
    started = time.monotonic()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        if source.kind in _FEED_KINDS:
            with fetcher.source_deadline(settings.max_source_s):
                _collect_feed(source, state, settings, fetcher, result)
        elif source.kind == SourceKind.TELEGRAM_PUBLIC:
            from collectors.telegram import collect_telegram

            with fetcher.source_deadline(settings.max_source_s):
                collect_telegram(source, state, settings, fetcher, result)
        elif source.kind == SourceKind.PAGE:
            from collectors.page import collect_pages

            # The crawl counts as one long request to the host: no other source of the
            # same host runs meanwhile, and the per-domain delay applies around it.
            with fetcher.gate.slot(str(source.url), settings.per_domain_delay_s):
                collect_pages(source, state, settings, result)
        else:  # pragma: no cover - SourceKind is closed
            result.error = f"unsupported source kind {source.kind!r}"
    except FetchError as exc:
        result.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad source must never stop the run
        log.exception("collector crashed on source %s", source.id)
        result.error = f"internal collector error: {type(exc).__name__}: {exc}"
    finally:
        if own_fetcher:
            fetcher.close()
    result.latency_ms = (time.monotonic() - started) * 1000.0
    for post in result.posts:
        post.language = detect_language(f"{post.title}\n{post.text}", source.language)
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


def _collect_feed(
    source: SourceConfig,
    state: SourceState,
    settings: CollectorSettings,
    fetcher: Fetcher,
    result: CollectResult,
) -> None:
    fetched = fetcher.fetch(
        str(source.url), etag=state.etag, last_modified=state.last_modified
    )
    result.requests += fetched.requests
    if fetched.not_modified:
        result.not_modified = True
        return
    try:
        items, problem = parse_feed(fetched)
    except NotAFeedError as exc:
        result.error = str(exc)
        return
    result.error = problem
    now = datetime.now(UTC)
    posts = items_to_posts(source, items, result, now)
    seen = SeenItems.from_cursor(state.cursor)
    result.posts = keep_new_dated(posts, seen, settings, result)
    result.state = SourceState(
        source_id=source.id,
        etag=fetched.headers.get("etag"),
        last_modified=fetched.headers.get("last-modified"),
        cursor=seen.to_cursor(settings.seen_limit),
    )


def content_key(post: RawPost) -> str:
    return f"{post.title}\n{post.text}"


def keep_new_dated(
    posts: list[RawPost], seen: SeenItems, settings: CollectorSettings, result: CollectResult
) -> list[RawPost]:
    """Drop items delivered before (unchanged) and, unless configured otherwise, undated ones.
    Updates `seen` with what is kept."""
    kept: list[RawPost] = []
    for post in posts:
        if post.published_at is None and not settings.keep_undated:
            result.skipped.append(ItemSkip(post.url, "item has no publication date"))
            continue
        key = post.external_id or post.url
        if not seen.is_new_or_changed(key, content_key(post)):
            continue
        seen.remember(key, content_key(post))
        kept.append(post)
    return kept


def collect_many(
    sources: list[SourceConfig],
    states: dict[str, SourceState],
    settings: CollectorSettings,
    *,
    on_result: Callable[[CollectResult], None] | None = None,
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
                result = collect_source(source, states.get(source.id), settings, fetcher=fetcher)
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
