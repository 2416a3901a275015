"""End-to-end intake throughput on the embedded default (SQLite): store + enrich + detect + index.

Synthetic posts: a few thousand, a fifth of them copies of a few dozen calls to gather (reposts,
forwards, typos, emoji) spread over many sources, plus hostile posts, reports and ordinary talk.
They go through the same code the pipeline runs (`signals.intake.store_raw_posts`, then
`signals.pipeline.process_in_session` without alerts) in batches, one process, one core.

`--mix realistic` makes 90% of the posts everyday chatter (benchmarks/everyday.py), as a real
stream is; the default `--mix stress` has none, so that a quarter of the posts are flagged.

Usage: .venv/bin/python benchmarks/bench_intake.py [--posts 3000] [--batch 500]
       [--mix stress|realistic]
       [--database-url URL]   (default: a fresh SQLite file in a temporary directory)
       [--known-labels]       (skip the NLP layer: store + detect + index only)
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

# (as written, canonical, district): the canonical side is only used with --known-labels.
PLACE_ROWS = [
    ("het Stadhuisplein", "Stadhuisplein", "Almere Stad"),
    ("de Esplanade", "Esplanade", "Almere Stad"),
    ("de Grote Markt", "Grote Markt", "Almere Stad"),
    ("het Stationsplein in Almere", "Stationsplein Almere", "Almere Stad"),
    ("de Kruidenwijk", "Kruidenwijk", "Almere Stad"),
    ("het Weerwater", "Weerwater", "Almere Stad"),
    ("Almere Haven", "Almere Haven", "Almere Haven"),
    ("Almere Buiten", "Almere Buiten", "Almere Buiten"),
    ("Almere Poort", "Almere Poort", "Almere Poort"),
    ("de Danswijk", "Danswijk", "Almere Buiten"),
]
PLACES = [row[0] for row in PLACE_ROWS]
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


@dataclass(slots=True)
class Truth:
    """What the generator put into a post, for --known-labels."""

    flags: tuple[str, ...] = ()
    place: tuple[str, str, str] | None = None
    event_time: datetime | None = None
    key: str | None = None  # the generated call or hostile text this post is a copy of
    time_text: str | None = None


MIX_EVERYDAY_SHARE = {"stress": 0.0, "realistic": 0.9}


def synthetic_posts(n: int, now: datetime, seed: int = 5, everyday_share: float = 0.0):
    """n RawPosts and, per post, the Truth the generator used."""
    from everyday import unique_chatter

    from collectors.models import RawPost

    rng = random.Random(seed)
    calls = []
    for _ in range(max(4, n // 100)):
        day, hour, row = rng.randrange(7), rng.randint(12, 22), rng.choice(PLACE_ROWS)
        text = rng.choice(CALLS).format(day=DAYS[day], hour=hour, place=row[0])
        local = now.astimezone(LOCAL_TZ)
        date = local.date() + timedelta(days=(day - local.weekday()) % 7)
        when = datetime(date.year, date.month, date.day, hour, tzinfo=LOCAL_TZ).astimezone(UTC)
        truth = Truth(
            ("call_to_gathering",), row, when, key=text, time_text=f"{DAYS[day]} {hour}:00"
        )
        calls.append((text, truth))
    posts, truths = [], []
    for i in range(n):
        roll = rng.random()
        if everyday_share and rng.random() < everyday_share:  # stress: the old stream
            text, truth = unique_chatter(rng, i), Truth()
        elif roll < 0.2:
            base, truth = rng.choice(calls)
            text = rng.choice(PREFIX) + _typo(rng, base) + rng.choice(DECOR)
        elif roll < 0.3:
            base = rng.choice(HOSTILE)
            text, truth = base + rng.choice(DECOR), Truth(("anti_government",), key=base)
        else:
            text = rng.choice(ORDINARY).format(place=rng.choice(PLACES))
            text += f" ({rng.randint(1, 10_000)})"
            truth = Truth()
        text = text.replace("{n}", str(i))
        truths.append(truth)
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
    return posts, truths


def known_label_enricher(truth_by_text: dict[str, Truth]):
    """Stands in for the NLP layer with the generator's own labels (--known-labels), to measure
    store + detect + index alone. Not a model: never used outside this benchmark."""
    from sqlalchemy import select

    from signals.db.models import Enrichment, Post

    def enrich_posts(session, post_ids):
        flagged = []
        for post in session.scalars(select(Post).where(Post.id.in_(post_ids))):
            truth = truth_by_text.get(post.text, Truth())
            places = []
            if truth.place:
                written, canonical, district = truth.place
                places.append(
                    {
                        "text": written,
                        "canonical": canonical,
                        "district": district,
                        "in_almere": True,
                    }
                )
            session.add(
                Enrichment(
                    post_id=post.id,
                    model_version="bench-known-labels",
                    labels={f: {"p": 0.9, "flag": True} for f in truth.flags},
                    flags=list(truth.flags),
                    places=places,
                    in_almere=True if places else None,
                    event_time=truth.event_time,
                    event_time_text=truth.time_text,
                )
            )
            post.enriched = True
            if truth.flags:
                flagged.append(post.id)
        session.flush()
        return flagged

    return enrich_posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--mix", choices=sorted(MIX_EVERYDAY_SHARE), default="stress")
    parser.add_argument(
        "--known-labels",
        action="store_true",
        help="skip the NLP layer and use the generator's labels (measures store+detect+index)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    os.environ.setdefault("SIGNALS_VAR_DIR", str(tmp))
    os.environ["SIGNALS_DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    os.environ.setdefault("SIGNALS_PSEUDONYM_KEY", "bench-only-key")

    from sqlalchemy import func, select

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
    raw, truths = synthetic_posts(args.posts, now, everyday_share=MIX_EVERYDAY_SHARE[args.mix])

    # Time the stages by wrapping the functions the pipeline calls (same code, no copies).
    # CPU seconds as well as wall seconds: on a shared machine the CPU figure is the stable one
    # (posts per second per core).
    spent = {"enrich": 0.0, "detect": 0.0}
    cpu = {"enrich": 0.0, "detect": 0.0}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **kw)
            finally:
                spent[name] += time.perf_counter() - t0
                cpu[name] += time.process_time() - c0

        return wrapper

    if args.known_labels:
        truth_by_text = {post.text: truth for post, truth in zip(raw, truths, strict=True)}
        pipeline_mod.enrich_posts = timed("enrich", known_label_enricher(truth_by_text))
    else:
        pipeline_mod.enrich_posts = timed("enrich", enrichment_mod.enrich_posts)
    original_detect = pipeline_mod.detect
    pipeline_mod.detect = timed("detect", original_detect)

    # Loading the model and the gazetteer is start-up, not throughput.
    import nlp.gazetteer

    nlp.gazetteer.by_canonical()
    if not args.known_labels:
        nlp.enrich(["warm-up: laad het model"])
    pseudonymizer = Pseudonymizer(settings.pseudonym_key_dir, settings.pseudonym_key)
    intake_s = 0.0
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(raw), args.batch):
        chunk = raw[start : start + args.batch]
        with session_scope(engine) as session:
            t0 = time.perf_counter()
            ids = store_raw_posts(session, chunk, pseudonymizer).new_post_ids
            intake_s += time.perf_counter() - t0
            pipeline_mod.process_in_session(session, ids, settings, alert=False)
    total = time.perf_counter() - started
    total_cpu = time.process_time() - cpu_started
    pipeline_mod.detect = original_detect

    from signals.db.models import Post

    truth_of = {post.text: truth for post, truth in zip(raw, truths, strict=True)}
    with session_scope(engine) as session:
        members: dict[int, set[str]] = {}
        homes: dict[str, set[int]] = {}
        rows = session.execute(
            select(SignalPost.signal_id, Post.text).join(Post, Post.id == SignalPost.post_id)
        )
        for signal_id, text in rows:
            key = truth_of[text].key if text in truth_of else None
            if key is not None:
                members.setdefault(signal_id, set()).add(key)
                homes.setdefault(key, set()).add(signal_id)
        mixed = sum(1 for keys in members.values() if len(keys) > 1)
        split = sum(1 for ids in homes.values() if len(ids) > 1)
        signals = session.scalar(select(func.count()).select_from(Signal))
        linked = session.scalar(select(func.count()).select_from(SignalPost))
        biggest = session.scalar(select(func.max(Signal.post_count)))
    other = total - intake_s - spent["enrich"] - spent["detect"]
    n = len(raw)
    from machine import cpu_info

    print(f"machine         {cpu_info()}")
    print(f"database        {engine.url.render_as_string(hide_password=True)}")
    print(f"posts           {n} in batches of {args.batch}, mix {args.mix}")
    if args.known_labels:
        print("NLP             skipped (--known-labels): enrich = writing known labels")
    print(f"flagged posts   {linked} -> {signals} signals (largest cluster {biggest} posts)")
    print(
        f"clustering      {len(homes)} generated texts in signals; {split} split over several"
        f" signals; {mixed} signals hold more than one (calls at one place and time are one"
        " gathering by design)"
    )
    print(f"total wall      {total:.2f} s = {n / total:.1f} posts/s (one process)")
    print(f"total CPU       {total_cpu:.2f} s = {n / total_cpu:.1f} posts/s per core")
    print(f"  intake/store  {intake_s:.2f} s wall")
    print(
        f"  enrich (NLP)  {spent['enrich']:.2f} s wall, {cpu['enrich']:.2f} s CPU"
        f" = {n / cpu['enrich']:.1f} posts/s per core"
    )
    print(
        f"  detect        {spent['detect']:.2f} s wall, {cpu['detect']:.2f} s CPU"
        f" = {linked / max(cpu['detect'], 1e-9):.1f} flagged posts/s per core"
    )
    print(f"  index + rest  {other:.2f} s wall")


if __name__ == "__main__":
    main()
