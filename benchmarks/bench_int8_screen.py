"""What serving the encoders in int8 would give: `signals classify` on bench_classify's stream with
the screen's (the six-layer student's) activations rounded to int8 (VNNI where the CPU has it),
and with e5's too, against the float32 encoders that are served, alternating in one process, and
how many posts' flags and probabilities each changes on this CPU.

Not served: int8 vectors differ by CPU, so the screen's decisions and the probabilities of the
posts it stops would too (nlp/MODEL_CARD.md, Speed). This measures the price of that choice.

Run:  .venv/bin/python benchmarks/bench_int8_screen.py [--posts 5000] [--rounds 3]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402

from bench_classify import build_stream, classify_round  # noqa: E402
from bench_student import int8_session  # noqa: E402
from machine import cpu_info  # noqa: E402


def _labels(stream: str) -> tuple[float, dict[str, dict]]:
    rate, rows = classify_round(stream)
    return rate, {r["id"]: r["labels"] for r in rows if "labels" in r}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    from nlp import classify_jsonl, model_version
    from nlp.embedding import embed

    model_version()
    stream = build_stream(args.posts, 0.05)
    embed(["warm"], student=True)
    embed(["warm"])
    from nlp.embedding import _engines

    # Each engine's float32 session (served) and an int8 one with the same options.
    sessions = {student: (engine.session, int8_session(engine))
                for student, engine in _engines.items()}
    variants = {"float32": (False, False), "int8 screen": (True, False),
                "int8 screen and e5": (True, True)}
    classify_jsonl(io.StringIO(stream[:20000]), io.StringIO())  # warm the pipeline's caches
    rates: dict[str, list[float]] = {name: [] for name in variants}
    labels: dict[str, dict[str, dict]] = {}
    for _ in range(args.rounds):
        for name, (screen_int8, e5_int8) in variants.items():
            for student, int8 in ((True, screen_int8), (False, e5_int8)):
                _engines[student].session = sessions[student][int8]
            rate, labels[name] = _labels(stream)
            rates[name].append(rate)
    for student, (float32, _int8) in sessions.items():
        _engines[student].session = float32
    served = labels["float32"]
    out: dict = {**cpu_info(), "posts": args.posts, "rounds": args.rounds}
    for name in variants:
        other = labels[name]
        median = sorted(rates[name])[len(rates[name]) // 2]
        out[name] = {
            "posts_per_s_median": round(median, 1),
            "posts_whose_flags_differ": sum(
                any(served[i][k]["flag"] != other[i][k]["flag"] for k in served[i])
                for i in served),
            "largest_probability_difference": round(max(
                abs(served[i][k]["p"] - other[i][k]["p"]) for i in served for k in served[i]), 4),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
