"""What the distilled encoder (nlp/e5_student.py) costs and how close it stays: one embedding on
one thread, e5's twelve layers against the student's, over the corpus's dev posts as the
classifier embeds them (de-obfuscated, group terms masked), and the cosine between the two
vectors. The student never learnt from these posts (scripts/distil_e5.py). With --int8, also the
student with its activations rounded to int8 (not served: its vectors differ by CPU,
nlp/e5_graph.py), and the cosine to its float32 vector.

Run:  .venv/bin/python benchmarks/bench_student.py [--posts 300] [--int8]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import numpy as np  # noqa: E402
from machine import cpu_info  # noqa: E402

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

    from nlp.e5_engine import E5Engine


def int8_session(engine: E5Engine) -> InferenceSession:
    """The engine's encoder with its activations rounded to int8 (not served), with the engine's
    own session options (one thread)."""
    from nlp.e5_engine import E5Engine
    from nlp.e5_graph import ACCURACY_INT8, encoder_graph

    return E5Engine._session(encoder_graph(engine.encoder, ACCURACY_INT8).SerializeToString(),
                             engine.session.get_session_options())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=300)
    ap.add_argument("--int8", action="store_true")
    args = ap.parse_args()
    from nlp.corpus import by_split, load_corpus, read_splits
    from nlp.e5_engine import E5Engine
    from nlp.embedding import embedded_text
    from nlp.pipeline import analyse

    posts = by_split(load_corpus(), read_splits())["dev"]
    posts = random.Random(11).sample(posts, min(args.posts, len(posts)))
    texts = [embedded_text(a.semantic_text) for a in analyse([p.text for p in posts])]
    out: dict = {**cpu_info(), "posts": len(texts)}
    vectors = {}
    engines = [("e5", E5Engine()), ("student", E5Engine(student=True))]
    if args.int8:
        int8 = E5Engine(student=True)
        int8.session = int8_session(int8)
        engines.append(("student_int8", int8))
    for name, engine in engines:
        engine.query(texts[:5])  # first calls allocate
        t0 = time.perf_counter()
        vectors[name] = engine.query(texts)
        out[f"{name}_layers"] = engine.encoder.layers
        out[f"{name}_ms_per_post"] = round((time.perf_counter() - t0) / len(texts) * 1000, 2)
    cosine = (vectors["e5"] * vectors["student"]).sum(axis=1)
    out["speedup"] = round(out["e5_ms_per_post"] / out["student_ms_per_post"], 2)
    out["cosine_mean"] = round(float(cosine.mean()), 4)
    out["cosine_p5"] = round(float(np.percentile(cosine, 5)), 4)
    out["cosine_min"] = round(float(cosine.min()), 4)
    if args.int8:
        same = (vectors["student"] * vectors["student_int8"]).sum(axis=1)
        out["int8_speedup_over_student"] = round(
            out["student_ms_per_post"] / out["student_int8_ms_per_post"], 2)
        out["int8_cosine_to_float32_student_min"] = round(float(same.min()), 6)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
