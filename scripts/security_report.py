"""Regenerate docs/security-tests.md: run the security and privacy suites, count the fuzz cases
and the attacks they tried, and write what happened.

    .venv/bin/python scripts/security_report.py [--scale 3] [--out docs/security-tests.md]

`--scale` multiplies the number of generated fuzz cases (the test suite runs at scale 1).
The tests record their own counts (tests/security/secstats.py) when SIGNALS_SECURITY_STATS
names a file; outcomes come from pytest's JUnit XML. The exit code is pytest's."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The attack suites: hostile input, privacy, the audit chain under concurrency and tampering,
# authentication (sessions, throttling, four-eyes) and the read-audit route table.
SUITES = ["tests/security", "tests/privacy", "tests/audit", "tests/web/test_auth_hardening.py",
          "tests/web/test_read_audit.py"]


def _run(scale: float, stats: Path, junit: Path) -> int:
    env = {**os.environ, "SIGNALS_SECURITY_STATS": str(stats), "SIGNALS_FUZZ_SCALE": str(scale)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:warnings",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        *SUITES,
    ]
    return subprocess.call(command, cwd=ROOT, env=env)


def _tests(junit: Path) -> list[dict]:
    if not junit.exists():
        return []
    rows = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                outcome = {"failure": "FAILED", "error": "ERROR", "skipped": "skipped"}[tag]
                message = (node.get("message") or node.text or "").strip().splitlines()[0][:240]
                break
        rows.append(
            {
                "file": (case.get("classname") or "").rsplit(".", 1)[-1],
                "name": case.get("name", ""),
                "outcome": outcome,
                "message": message,
                "seconds": float(case.get("time") or 0),
            }
        )
    return rows


def _stats(path: Path) -> tuple[Counter[str], list[dict]]:
    fuzz: Counter[str] = Counter()
    attacks: list[dict] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["kind"] == "fuzz":
                fuzz[record["target"]] += record["n"]
            else:
                attacks.append(record)
    return fuzz, attacks


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(
    scale: float, code: int, tests: list[dict], fuzz: Counter[str], attacks: list[dict]
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    outcomes = Counter(t["outcome"] for t in tests)
    lines = [
        "# Security and privacy tests",
        "",
        f"Generated {now} by `.venv/bin/python scripts/security_report.py --scale {scale:g}` "
        "(do not edit by hand; rerun the command).",
        "",
        f"- Test cases: {len(tests)} — "
        + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())),
        f"- Generated fuzz cases run: **{sum(fuzz.values())}** over {len(fuzz)} targets",
        f"- Attacks recorded: {len(attacks)}",
        f"- pytest exit code: {code}",
        "",
        "## Fuzz cases per target",
        "",
        "| target | cases |",
        "| --- | ---: |",
    ]
    lines += [f"| {_cell(t)} | {n} |" for t, n in sorted(fuzz.items())]
    lines += ["", "## Attacks tried and their outcome", ""]
    by_category: dict[str, list[dict]] = defaultdict(list)
    for record in attacks:
        by_category[record["category"]].append(record)
    for category in sorted(by_category):
        lines += [f"### {category}", "", "| attack | outcome |", "| --- | --- |"]
        seen: set[tuple[str, str]] = set()
        for record in by_category[category]:
            key = (record["name"], record["outcome"])
            if key in seen:
                continue
            seen.add(key)
            lines.append(f"| {_cell(record['name'])} | {_cell(record['outcome'])} |")
        lines.append("")
    failing = [t for t in tests if t["outcome"] in {"FAILED", "ERROR"}]
    lines += ["## Failing tests (open findings)", ""]
    if failing:
        lines += ["| test | message |", "| --- | --- |"]
        lines += [
            f"| {_cell(t['file'])}::{_cell(t['name'])} | {_cell(t['message'])} |" for t in failing
        ]
    else:
        lines.append("None.")
    lines += ["", "## All tests", "", "| test | outcome | s |", "| --- | --- | ---: |"]
    lines += [
        f"| {_cell(t['file'])}::{_cell(t['name'])} | {t['outcome']} | {t['seconds']:.1f} |"
        for t in tests
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "security-tests.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="oov-security-") as tmp:
        stats, junit = Path(tmp) / "stats.jsonl", Path(tmp) / "junit.xml"
        code = _run(args.scale, stats, junit)
        fuzz, attacks = _stats(stats)
        text = render(args.scale, code, _tests(junit), fuzz, attacks)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({sum(fuzz.values())} fuzz cases, {len(attacks)} attacks)")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
