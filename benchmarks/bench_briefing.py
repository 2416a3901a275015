"""Briefing for a week with 10,000 signals (bar: under 30 s).

Usage: .venv/bin/python benchmarks/bench_briefing.py [--signals 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from signals.briefing import Week, write_briefing
from signals.db.models import Decision, RegisterEntry, Signal
from signals.db.session import get_engine

TYPES = ["call_to_gathering", "anti_government", "polarising", "threat"]
DISTRICTS = ["Almere Stad", "Almere Buiten", "Almere Haven", "Almere Poort", "Almere Hout", None]
STATUSES = ["new", "in_review", "dismissed", "monitoring", "escalated"]


def seed(engine, week: Week, n: int) -> None:
    """n signals first seen in `week`, and n spread over the four weeks before it."""
    rng = random.Random(48)
    rows = []
    for i in range(2 * n):
        start = week.start if i < n else week.shift(-4).start
        span = (week.end - start).total_seconds() if i < n else 4 * 7 * 86400
        first_seen = start + timedelta(seconds=rng.uniform(0, span))
        types = rng.sample(TYPES, rng.choice([1, 1, 2]))
        rows.append(
            {
                "types": types,
                "status": rng.choice(STATUSES),
                "severity": rng.random(),
                "severity_breakdown": {},
                "title": "Oproep tot samenkomst",
                "district": rng.choice(DISTRICTS),
                "place": "Stadhuisplein",
                "event_time": first_seen + timedelta(hours=rng.uniform(1, 200)),
                "notification_status": rng.choice(["aangemeld", "niet aangemeld"])
                if "call_to_gathering" in types
                else None,
                "first_seen_at": first_seen,
                "last_activity_at": first_seen,
                "post_count": 1,
                "source_count": 1,
                "version": 1,
            }
        )
    with Session(engine) as session:
        session.execute(insert(Signal), rows)
        ids = [i for (i,) in session.query(Signal.id).filter(Signal.status == "escalated")]
        session.execute(
            insert(Decision),
            [
                {
                    "signal_id": i,
                    "from_status": "in_review",
                    "to_status": "escalated",
                    "actor": "bench",
                    "rationale": "benchmark",
                    "protocol_version": "v1",
                    "created_at": week.start + timedelta(hours=rng.uniform(0, 160)),
                }
                for i in ids[:300]
            ],
        )
        session.add_all(
            RegisterEntry(
                reference=f"WOM-{i}",
                place="Esplanade",
                place_canonical="Esplanade",
                start_at=week.end + timedelta(hours=10 * i),
                end_at=week.end + timedelta(hours=10 * i + 2),
            )
            for i in range(15)
        )
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signals", type=int, default=10_000, help="signals in the briefing week")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    week = Week.parse("2026-W48")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = get_engine(url)
        seed(engine, week, args.signals)
        started = time.perf_counter()
        with Session(engine) as session:
            files = write_briefing(session, week, Path(tmp) / "out", actor="bench")
            session.commit()
        elapsed = time.perf_counter() - started
        print(
            f"briefing {files.week}: {args.signals * 2} signals in store, "
            f"html {files.html_path.stat().st_size // 1024} KiB, "
            f"pdf {files.pdf_path.stat().st_size // 1024} KiB, {elapsed:.2f} s (bar < 30 s)"
        )


if __name__ == "__main__":
    main()
