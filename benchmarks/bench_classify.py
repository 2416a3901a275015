"""Throughput of `signals classify` (nlp.classify_jsonl) on one core.

The stream is realistic in that most posts are irrelevant everyday chatter (generated from
templates below) with a small share of annotated corpus posts mixed in (calls, hostility and hard
negatives). Bar (issue 4): >= 500 posts/s on one core.

Run:  .venv/bin/python benchmarks/bench_classify.py [--posts 5000] [--relevant 0.05]
      [--without-encoders]
"""

from __future__ import annotations

import os

# One core: keep numpy/scipy from spreading over threads.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

from everyday import unique_chatter  # noqa: E402


def build_stream(n: int, relevant_share: float, seed: int = 7) -> str:
    from nlp.corpus import load_corpus

    rng = random.Random(seed)
    corpus = [p.text for p in load_corpus()]
    # Distinct corpus posts (sampled without replacement), so the embedding cache never helps.
    picks = iter(rng.sample(corpus, len(corpus)))
    lines = []
    for i in range(n):
        relevant = rng.random() < relevant_share
        text = next(picks) if relevant else unique_chatter(rng, i)
        # The id says where a post came from, so the chatter false-alarm rate can be reported.
        lines.append(json.dumps({"id": f"{'r' if relevant else 'x'}{i}", "text": text,
                                 "published_at": "2026-11-26T10:00:00+01:00"}))
    return "\n".join(lines) + "\n"


def classify_round(stream: str) -> tuple[float, list[dict]]:
    """One pass of `signals classify` over the stream with an empty embedding cache: posts a
    second, and the output rows."""
    from nlp import classify_jsonl
    from nlp.embedding import clear_cache

    clear_cache()
    out = io.StringIO()
    start = time.perf_counter()
    stats = classify_jsonl(io.StringIO(stream), out)
    rate = stats["written"] / (time.perf_counter() - start)
    return rate, [json.loads(line) for line in out.getvalue().splitlines()]


def cold_start_s() -> float:
    """Seconds a fresh process needs to import the NLP package, load the model and the sentence
    embedder and classify one call (which reaches stage two): what every short-lived task (an
    Airflow task, a CLI call) pays before its first post."""
    import subprocess
    import sys

    code = ("import time; t = time.perf_counter(); import nlp; "
            "nlp.enrich(['Morgen 20:00 iedereen naar het Stadhuisplein, deel dit!']); "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 2)


def per_post_latency_ms(stream: str, n: int = 400) -> dict[str, float]:
    """p50 / p99 of classifying one post at a time (a stream that arrives post by post)."""
    from nlp.api import get_enricher
    from nlp.embedding import clear_cache

    enricher = get_enricher()
    texts = [json.loads(line)["text"] for line in stream.splitlines()[:n]]
    clear_cache()
    times = []
    for text in texts:
        start = time.perf_counter()
        enricher.enrich([text])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": round(times[len(times) // 2], 2),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2)}


def rate_without_encoders(stream: str, rounds: int) -> float:
    """Median posts/s with both encoders' `query` answering a constant vector at no cost, the
    rest unchanged: the ceiling the pipeline around the encoders allows (its flags mean nothing;
    the constant vector sends other posts through the screen)."""
    import numpy as np

    from nlp.e5_engine import E5Engine

    def constant(self: E5Engine, texts: list[str]) -> np.ndarray:
        return np.full((len(texts), self.weights.hidden), self.weights.hidden ** -0.5,
                       dtype=np.float32)

    served = E5Engine.query
    E5Engine.query = constant  # type: ignore[method-assign]
    try:
        rates = sorted(classify_round(stream)[0] for _ in range(rounds))
    finally:
        E5Engine.query = served  # type: ignore[method-assign]
    return rates[len(rates) // 2]


def main() -> None:
    from machine import cpu_info

    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--relevant", type=float, default=0.05)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--without-encoders", action="store_true",
                    help="also measure the stream with the encoders made free (a ceiling)")
    args = ap.parse_args()

    from nlp import classify_jsonl, model_version

    t0 = time.perf_counter()
    version = model_version()  # loads the model once
    load_s = time.perf_counter() - t0
    stream = build_stream(args.posts, args.relevant)
    classify_jsonl(io.StringIO(stream[:20000]), io.StringIO())  # warm caches
    rates = []
    flagged: list[str] = []
    n_chatter = chatter_flagged = 0
    for _ in range(args.rounds):
        rate, rows = classify_round(stream)
        rates.append(rate)
        flagged = [r["id"] for r in rows if any(v["flag"] for v in r["labels"].values())]
        n_chatter = sum(1 for r in rows if r["id"].startswith("x"))
        chatter_flagged = sum(1 for i in flagged if i.startswith("x"))
    best, median = max(rates), sorted(rates)[len(rates) // 2]
    latency = per_post_latency_ms(stream)
    ceiling: dict[str, float] = {}
    if args.without_encoders:
        ceiling["posts_per_s_without_encoders"] = round(
            rate_without_encoders(stream, args.rounds), 1)
    print(json.dumps({
        **cpu_info(),
        "model_version": version, "posts": args.posts, "relevant_share": args.relevant,
        "model_load_s": round(load_s, 2), "cold_start_s": cold_start_s(), **latency,
        "posts_per_s_median": round(median, 1),
        "posts_per_s_best": round(best, 1), "flagged": len(flagged),
        "chatter_posts": n_chatter, "chatter_flagged": chatter_flagged,
        "chatter_false_alarm_rate": round(chatter_flagged / max(n_chatter, 1), 4), "bar": 500,
        "meets_bar": median >= 500, **ceiling,
    }, indent=2))


if __name__ == "__main__":
    main()
