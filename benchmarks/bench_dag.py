"""`dag.test()` of collect_and_detect over 50 local sources (bar: under 2 minutes).

Builds 50 RSS feeds from the demo forum feed (each copy with its own links and a marked text,
so every item is a new post), serves them on 127.0.0.1, migrates a fresh Airflow metadata DB
and runs the DAG through tests/deploy/dag_harness.py in its own process. Politeness delays are
set to zero for the local server (they exist for real sites; with them a single domain's 50
sources would be paced at 2 s per request by design).

    .venv/bin/python benchmarks/bench_dag.py [--sources 50]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.deploy.harness_env import harness_env  # noqa: E402

DEMO_SITE = REPO / "config" / "demo" / "site"
HARNESS = REPO / "tests" / "deploy" / "dag_harness.py"
PORT = 8767


def build_site(root: Path, sources: int) -> Path:
    site = root / "site"
    shutil.copytree(DEMO_SITE, site)
    template = (DEMO_SITE / "forum.rss").read_text(encoding="utf-8")
    (site / "bench").mkdir()
    for i in range(sources):
        feed = re.sub(r"(/forum/t-\d+)\.html", rf"\1-copy{i}.html", template)
        feed = feed.replace("&lt;/p&gt;</description>", f" (kopie {i})&lt;/p&gt;</description>")
        (site / "bench" / f"feed-{i:02d}.rss").write_text(feed, encoding="utf-8")
    lines = ["sources:"]
    for i in range(sources):
        lines += [
            f"- id: bench-{i:02d}",
            "  kind: feed",
            f"  url: '{{base_url}}/bench/feed-{i:02d}.rss'",
            "  purpose: Benchmark van de verzamel-DAG met lokale feeds.",
            "  legal_basis: AVG art. 6 lid 1 sub e jo. Gemeentewet art. 172 lid 1",
            "  public_because: Lokale testfeed zonder inlog.",
        ]
    (root / "sources.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return site


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=50)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-dag-"))
    try:
        site = build_site(root, args.sources)
        env = harness_env(
            root, root / "sources.yml", f"http://127.0.0.1:{PORT}", HARNESS_PORT=str(PORT)
        )
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=env, check=True,
                       capture_output=True)
        migrate_s = time.perf_counter() - started
        proc = subprocess.run(
            [sys.executable, str(HARNESS), "run", "collect_and_detect", str(site)], env=env,
            capture_output=True, text=True, cwd=REPO,
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("HARNESS-RESULT ")]
        if proc.returncode != 0 or not lines:
            sys.stderr.write(proc.stderr[-6000:])
            return 1
        outcome = json.loads(lines[-1].removeprefix("HARNESS-RESULT "))
        signal_ids = {s for s in outcome["signals"]["signal_of_url"].values() if s is not None}
        report = {
            "sources": args.sources,
            "dag_state": outcome["state"],
            "dag_test_seconds": outcome["seconds"],
            "bar_seconds": 120,
            "within_bar": outcome["seconds"] < 120,
            "airflow_db_migrate_seconds": round(migrate_s, 1),
            "tasks_succeeded": sum(t["state"] == "success" for t in outcome["tasks"].values()),
            "tasks": len(outcome["tasks"]),
            "posts": len(outcome["signals"]["signal_of_url"]),
            "signals": len(signal_ids),
        }
        print(json.dumps(report, indent=2))
        return 0 if outcome["state"] == "success" else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
