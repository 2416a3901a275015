"""End-to-end intake throughput on the embedded default (SQLite): store + enrich + detect + index.

Synthetic posts: a few thousand, a fifth of them copies of a few dozen calls to gather (reposts,
forwards, typos, emoji) spread over many sources, plus hostile posts, reports and ordinary talk.
They go through the same code the pipeline runs (`signals.intake.store_raw_posts`, then
`signals.pipeline.process_in_session` without alerts) in batches, one process, one core.

Usage: .venv/bin/python benchmarks/bench_intake.py [--posts 3000] [--batch 500]
       [--database-url URL]   (default: a fresh SQLite file in a temporary directory)
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

PLACES = [
    "het Stadhuisplein",
    "de Esplanade",
    "de Grote Markt",
    "het Stationsplein in Almere",
    "de Kruidenwijk",
    "het Weerwater",
    "Almere Haven",
    "Almere Buiten",
    "Almere Poort",
    "de Danswijk",
]
DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
CALLS = [
    "{day} {hour}:00 iedereen naar {place}! Laat zien dat we het zat zijn, neem je vrienden mee",
    "Kom {day} om {hour}:00 allemaal naar {place}, we pikken dit niet langer van de gemeente",
    "{day}avond pullen we up bij {place}, niemand blijft thuis. {hour}:00 verzamelen",
    "Oproep: {day} {hour}:00 protest op {place} tegen de noodopvang. Delen!!",
]
HOSTILE = [
    "De burgemeester is een landverrader, de hele raad hoort voor een tribunaal.",
    "Het systeem lacht ons uit, de elite in Den Haag wil ons kapot hebben. Vertrouw niks.",
    "Die boa's zijn geen echte politie, negeer ze gewoon en betaal nooit een boete.",
    "Dat tuig uit het azc hoort hier niet, ze moeten allemaal terug.",
]
ORDINARY = [
    "Gisteren stonden er veel mensen te demonstreren op {place}, het bleef rustig.",
    "De gemeente moet eindelijk iets doen aan de gaten in de weg bij {place}.",
    "Zaterdag met de jongens naar de bios in Almere Centrum, wie gaat er mee?",
    "Leuke markt vandaag op {place}, veel kraampjes en lekker weer.",
    "Wie weet een goede kapper in Almere Buiten? Mijn vaste zaak is dicht.",
    "De bibliotheek heeft nieuwe openingstijden vanaf volgende maand.",
    "Mooie zonsondergang vanavond bij {place}.",
]
DECOR = ["", " 🔥🔥", " ✊", " #almere", " #036", " https://t.me/joinchat/x{n}", " !!!", " 📢"]
PREFIX = ["", "", "Fwd: ", "RT @actie036: ", "Doorgestuurd: ", "DELEN!! ", "> "]


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 20 or rng.random() < 0.5:
        return text
    i = rng.randrange(5, len(text) - 5)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def synthetic_posts(n: int, now: datetime, seed: int = 5):
    from collectors.models import RawPost

    rng = random.Random(seed)
    calls = [
        rng.choice(CALLS).format(
            day=rng.choice(DAYS), hour=rng.randint(12, 22), place=rng.choice(PLACES)
        )
        for _ in range(max(4, n // 100))
    ]
    posts = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.2:
            text = rng.choice(PREFIX) + _typo(rng, rng.choice(calls)) + rng.choice(DECOR)
        elif roll < 0.3:
            text = rng.choice(HOSTILE) + rng.choice(DECOR)
        else:
            text = rng.choice(ORDINARY).format(place=rng.choice(PLACES))
            text += f" ({rng.randint(1, 10_000)})"
        text = text.replace("{n}", str(i))
        posts.append(
            RawPost(
                source_id=f"bench-{rng.randrange(12)}",
                url=f"https://bench.example/{i}",
                title="",
                text=text,
                external_id=str(i),
                author=f"user{rng.randrange(400)}",
                published_at=now - timedelta(minutes=rng.uniform(0, 600)),
                fetched_at=now,
                language="nl",
            )
        )
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    os.environ.setdefault("SIGNALS_VAR_DIR", str(tmp))
    os.environ["SIGNALS_DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    os.environ.setdefault("SIGNALS_PSEUDONYM_KEY", "bench-only-key")

    from sqlalchemy import func, select

    import signals.detect as detect_mod
    import signals.enrichment as enrichment_mod
    import signals.pipeline as pipeline_mod
    from signals.config import get_settings
    from signals.db.models import Signal, SignalPost
    from signals.db.session import get_engine, session_scope
    from signals.intake import store_raw_posts
    from signals.privacy.pseudonym import Pseudonymizer

    settings = replace(get_settings(), webhook_url=None, smtp_host=None)
    engine = get_engine(settings.database_url)
    now = datetime.now(UTC)
    raw = synthetic_posts(args.posts, now)

    # Time the stages by wrapping the functions the pipeline calls (same code, no copies).
    spent = {"enrich": 0.0, "detect": 0.0}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                spent[name] += time.perf_counter() - t0

        return wrapper

    pipeline_mod.enrich_posts = timed("enrich", enrichment_mod.enrich_posts)
    original_detect = detect_mod.detect
    detect_mod.detect = timed("detect", original_detect)

    import nlp

    nlp.enrich(["warm-up: laad het model"])  # model loading is not throughput
    pseudonymizer = Pseudonymizer(settings.pseudonym_key_dir, settings.pseudonym_key)
    intake_s = 0.0
    started = time.perf_counter()
    for start in range(0, len(raw), args.batch):
        chunk = raw[start : start + args.batch]
        with session_scope(engine) as session:
            t0 = time.perf_counter()
            ids = store_raw_posts(session, chunk, pseudonymizer).new_post_ids
            intake_s += time.perf_counter() - t0
            pipeline_mod.process_in_session(session, ids, settings, alert=False)
    total = time.perf_counter() - started
    detect_mod.detect = original_detect

    with session_scope(engine) as session:
        signals = session.scalar(select(func.count()).select_from(Signal))
        linked = session.scalar(select(func.count()).select_from(SignalPost))
        biggest = session.scalar(select(func.max(Signal.post_count)))
    other = total - intake_s - spent["enrich"] - spent["detect"]
    print(f"database        {engine.url.render_as_string(hide_password=True)}")
    print(f"posts           {len(raw)} in batches of {args.batch}")
    print(f"flagged posts   {linked} -> {signals} signals (largest cluster {biggest} posts)")
    print(f"total           {total:.2f} s = {len(raw) / total:.1f} posts/s (one process)")
    print(f"  intake/store  {intake_s:.2f} s")
    print(f"  enrich (NLP)  {spent['enrich']:.2f} s = {len(raw) / spent['enrich']:.1f} posts/s")
    print(
        f"  detect        {spent['detect']:.2f} s = "
        f"{linked / max(spent['detect'], 1e-9):.1f} flagged posts/s"
    )
    print(f"  index + rest  {other:.2f} s")


if __name__ == "__main__":
    main()
