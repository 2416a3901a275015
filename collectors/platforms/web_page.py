"""`page` sources: web pages and sitemaps of one site, crawled with Scrapy in a subprocess
(`collectors.crawl`), whose output is turned into posts here."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from collectors.base import PlatformCollector
from collectors.models import CollectResult, ItemSkip, RawPost, SourceConfig, SourceState
from collectors.net import Fetcher
from collectors.seen import SeenItems, keep_new_dated
from collectors.settings import CollectorSettings
from collectors.text import canonical_url

# What a page without article text is remembered with (see `collect_pages`).
NO_TEXT = "\x00no article text"
# The version of collectors.extract; bump it when extraction finds text it used to miss
# (2: control characters no longer hide a page's text), so pages remembered as having no
# article text are fetched once more.
EXTRACTOR_VERSION = 2


def crawl_spec(
    source: SourceConfig, settings: CollectorSettings, seen: SeenItems
) -> dict[str, object]:
    return {
        "source_id": source.id,
        "url": str(source.url),
        "max_depth": source.max_depth,
        "max_pages": source.max_pages,
        "follow_pattern": source.follow_pattern,
        "seen": list(seen.items),
        "settings": {
            "user_agent": settings.user_agent,
            "contact": settings.contact,
            "obey_robots": settings.obey_robots,
            "per_domain_delay_s": settings.per_domain_delay_s,
            "timeout_s": settings.timeout_s,
            "max_bytes": settings.max_bytes,
            "max_redirects": settings.max_redirects,
            "retries": settings.retries,
            "backoff_base_s": settings.backoff_base_s,
            "max_retry_after_s": settings.max_retry_after_s,
            "crawl_timeout_s": settings.crawl_timeout_s,
        },
    }


def run_crawl(spec: dict[str, object], timeout_s: float) -> tuple[list[dict], str | None]:
    """Run `python -m collectors.crawl`; return its records and a process-level problem."""
    with tempfile.TemporaryDirectory(prefix="oov-crawl-") as tmp:
        spec_path = Path(tmp) / "spec.json"
        out_path = Path(tmp) / "out.jsonl"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "collectors.crawl", str(spec_path), str(out_path)],
                capture_output=True,
                text=True,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            problem: str | None = f"crawl did not finish within {timeout_s:g} s; stopped"
        else:
            problem = None
            if completed.returncode != 0:
                tail = (completed.stderr or "").strip().splitlines()[-3:]
                problem = f"crawler exited with code {completed.returncode}: {' | '.join(tail)}"
        records: list[dict] = []
        if out_path.exists():
            for line in out_path.read_text(encoding="utf-8").splitlines():
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue  # a line cut short by a killed crawl
        return records, problem


class WebPageCollector(PlatformCollector):
    def bound(
        self, source: SourceConfig, settings: CollectorSettings, fetcher: Fetcher
    ) -> AbstractContextManager[object]:
        # The crawl counts as one long request to the host: no other source of the same host
        # runs meanwhile, and the per-domain delay applies around it. Its time is bounded by
        # the crawl's own limits (`crawl_timeout_s`), not by the source deadline.
        return fetcher.gate.slot(str(source.url), settings.per_domain_delay_s)

    @staticmethod
    def run(source: SourceConfig, state: SourceState, settings: CollectorSettings,
            _fetcher: Fetcher, result: CollectResult) -> None:
        # The crawl fetches in its own process (`collectors.crawl`), not through `fetcher`.
        collect_pages(source, state, settings, result)


def collect_pages(
    source: SourceConfig,
    state: SourceState,
    settings: CollectorSettings,
    result: CollectResult,
) -> None:
    seen = SeenItems.from_cursor(state.cursor)
    if seen.extractor != EXTRACTOR_VERSION:
        # Pages an older extractor found no text on (e.g. for control characters) get one
        # more try. Cursors from before the distinction kept them as "" (with undated pages
        # and followed-URL aliases): those are fetched once more too, and stay known after.
        seen.forget_content({NO_TEXT, ""})
        seen.extractor = EXTRACTOR_VERSION
    timeout = settings.crawl_timeout_s + 30.0
    records, problem = run_crawl(crawl_spec(source, settings, seen), timeout)
    now = datetime.now(UTC)
    posts: list[RawPost] = []
    errors: list[str] = [problem] if problem else []
    by_id: set[str] = set()
    for record in records:
        kind = record.get("type")
        if kind == "error":
            errors.append(str(record.get("message")))
        elif kind == "skip":
            result.skipped.append(ItemSkip(record.get("url"), str(record.get("reason"))))
        elif kind == "stats":
            result.requests += int(record.get("pages") or 0)
        elif kind == "article":
            external_id = canonical_url(record["url"])
            if external_id in by_id:
                result.skipped.append(ItemSkip(record["url"], "same article reached twice"))
                continue
            by_id.add(external_id)
            published = record.get("published_at")
            posts.append(
                RawPost(
                    source_id=source.id,
                    url=record["url"],
                    title=record.get("title") or "",
                    text=record.get("text") or "",
                    external_id=external_id,
                    author=record.get("author"),
                    published_at=datetime.fromisoformat(published) if published else None,
                    fetched_at=now,
                )
            )
    result.posts = keep_new_dated(posts, seen, settings, result)
    # The spider skips links by the URL it followed; when the page names another
    # canonical URL, remember the followed one as well.
    for record in records:
        if record.get("type") == "article" and record.get("fetched_url"):
            followed = canonical_url(record["fetched_url"])
            if followed != canonical_url(record["url"]):
                seen.remember(followed, "")
    # Undated articles and pages without article text are remembered too, so they are not
    # fetched again on every run (the latter until the extractor improves, see above).
    for skip in result.skipped:
        if skip.url and skip.reason == "item has no publication date":
            seen.remember(canonical_url(skip.url), "")
        elif skip.url and skip.reason == "no article text found":
            seen.remember(canonical_url(skip.url), NO_TEXT)
    result.error = "; ".join(errors) or None
    result.state = SourceState(source_id=source.id, cursor=seen.to_cursor(settings.seen_limit))
