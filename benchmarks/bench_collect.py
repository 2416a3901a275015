"""Collector throughput: poll 200 local feeds and crawl 1,000 local pages.

    .venv/bin/python benchmarks/bench_collect.py [--feeds 200] [--items 20] [--pages 1000]

The fixture server (tests/fixture_server.py) runs in its own process, so the figures are
the collector's. The collector is pinned to one CPU (the Scrapy subprocess inherits it).
Politeness stays on (robots.txt, one request at a time per host) but the per-domain delay
is 0, since all sources share one local host. Targets: >= 200 feed items/s, >= 50 pages/s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import collectors.platforms.web_page as page_module  # noqa: E402
from collectors import SourceConfig, collect_many, collect_source  # noqa: E402
from tests.fixture_server import LEGAL_FIELDS, local_settings, serve_fixtures  # noqa: E402


def _serve(queue: multiprocessing.Queue, stop: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    with serve_fixtures() as server:
        queue.put(server.base_url)
        stop.wait()


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20, help="items per feed")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin the collector to")
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(queue, stop), daemon=True)
    server.start()
    if hasattr(os, "sched_setaffinity"):
        others = (os.sched_getaffinity(server.pid) if server.pid else set()) - {args.cpu}
        if server.pid and others:
            os.sched_setaffinity(server.pid, others)
    base = queue.get(timeout=30)
    settings = local_settings(
        "bench", timeout_s=10.0, retries=0, max_workers=1, crawl_timeout_s=900.0
    )
    try:
        feeds = [
            SourceConfig(
                id=f"bench-feed-{i}",
                kind="feed",
                url=f"{base}/gen/feed/{i}.xml?items={args.items}",
                **LEGAL_FIELDS,
            )
            for i in range(args.feeds)
        ]
        # Warm-up: language model and parser imports are one-off costs, not throughput.
        collect_source(feeds[0], None, settings)

        cpu_before = time.process_time()
        started = time.perf_counter()
        results = collect_many(feeds, {}, settings)
        feed_s = time.perf_counter() - started
        feed_cpu = time.process_time() - cpu_before
        items = sum(len(r.posts) for r in results)
        errors = [r.error for r in results if r.error]
        states = {r.source_id: r.state for r in results if r.state}

        started = time.perf_counter()
        again = collect_many(feeds, states, settings)
        repoll_s = time.perf_counter() - started
        new_on_repoll = sum(len(r.posts) for r in again)
        feed_peak = _peak_mb(resource.RUSAGE_SELF)

        site = SourceConfig(
            id="bench-site",
            kind="page",
            url=f"{base}/gen/site/index.html?n={args.pages}",
            max_depth=1,
            max_pages=args.pages,
            follow_pattern=r"/gen/site/article/\d+\.html$",
            **LEGAL_FIELDS,
        )
        # This sandbox sets PYTHONDONTWRITEBYTECODE, so every Scrapy subprocess would
        # recompile its imports; a deployment has .pyc files. Cache them outside the venv
        # and warm up once, so the figure is crawl throughput, not compilation.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ.setdefault("PYTHONPYCACHEPREFIX", "/tmp/oov-signals-pycache")
        warm = site.model_copy(update={"id": "bench-warm", "max_pages": 3})
        collect_source(warm, None, settings)

        stats: list[dict] = []
        real_run_crawl = page_module.run_crawl

        def run_crawl(spec: dict, timeout_s: float) -> tuple[list[dict], str | None]:
            records, problem = real_run_crawl(spec, timeout_s)
            stats.extend(r for r in records if r.get("type") == "stats")
            return records, problem

        page_module.run_crawl = run_crawl  # only to read the child's peak memory
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        crawl = collect_source(site, None, settings)
        crawl_s = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        crawl_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        crawl_peak = max((s.get("peak_rss_kb", 0) for s in stats), default=0) / 1024.0
    finally:
        stop.set()
        server.join(timeout=10)

    print(f"feeds polled            {len(feeds)} ({len(errors)} errors)")
    print(
        f"feed items              {items} in {feed_s:.2f} s = {items / feed_s:.0f} items/s "
        f"({len(feeds) / feed_s:.0f} feeds/s)"
    )
    print(f"  CPU time              {feed_cpu:.2f} s = {items / feed_cpu:.0f} items per CPU-second")
    print(f"re-poll with state      {repoll_s:.2f} s, {new_on_repoll} new items")
    print(f"peak RSS (collector)    {feed_peak:.1f} MB")
    print(
        f"pages crawled           {len(crawl.posts)} articles in {crawl_s:.2f} s = "
        f"{len(crawl.posts) / crawl_s:.0f} pages/s (incl. Scrapy start-up), "
        f"error={crawl.error}"
    )
    print(f"  CPU time (child)      {crawl_cpu:.2f} s = "
          f"{len(crawl.posts) / crawl_cpu:.0f} pages per CPU-second")
    print(f"peak RSS (Scrapy child) {crawl_peak:.1f} MB")
    ok = items / feed_s >= 200 and len(crawl.posts) / crawl_s >= 50
    print("targets (>= 200 items/s, >= 50 pages/s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
