"""Would a second gate on e5's first layers let fewer everyday posts reach the full embedding
(issue 12, speed)?

The float32 encoder runs at the CPU's arithmetic peak (MatMulNBits is 90% of a call), so a
post that reaches stage 2 costs what it costs; only fewer such posts would bring the
throughput bar. An early exit would stop after k of the 12 layers when a logistic model on the
pooled layer-k vector (and the stage-1 log-odds) says "no label", and otherwise go on from layer
k, so a post that passes gets the very vector it gets today. This measures what that second gate
could drop, out of fold on the annotated train + dev posts (no test post, no functional case):
among the posts stage 1 passes (its shipped gate, 0.03, on out-of-fold stage-1 probabilities),
the share of negatives and of everyday posts (part_g) the second gate keeps at a recall of 0.99,
0.995 and 0.998 of the positives it is shown. It reports; it chooses nothing.

Run:  .venv/bin/python benchmarks/bench_exit_gate.py [--layers 2 4 6]   (about 3 minutes)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from machine import cpu_info  # noqa: E402
from stage1_oof import stage1_out_of_fold  # noqa: E402

TARGETS = (0.99, 0.995, 0.998)
STAGE1_C = 128.0  # the shipped stage-1 C


def layer_vectors(layers: int, texts: list[str]) -> tuple[np.ndarray, float]:
    """The mean of layer `layers`' output over the tokens, L2-normalised, and ms a post."""
    import onnxruntime as ort

    from nlp.e5_engine import PREFIX, E5Engine
    from nlp.e5_graph import encoder_graph

    engine = E5Engine()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    graph = encoder_graph(dataclasses.replace(engine.weights, layers=layers))
    session = ort.InferenceSession(graph.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    out = np.zeros((len(texts), engine.weights.hidden), dtype=np.float32)
    start = time.perf_counter()
    for i, text in enumerate(texts):
        x = engine.encoder_input(engine.tokenizer.pieces(PREFIX + text))
        (pooled,) = session.run(None, {"x": x})
        out[i] = pooled / max(np.linalg.norm(pooled), 1e-12)
    return out, (time.perf_counter() - start) / len(texts) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, nargs="+", default=[2, 4, 6])
    args = ap.parse_args()

    from sklearn.linear_model import LogisticRegression

    from nlp.model_files import DEFAULT_MODEL_DIR, read_metrics
    from nlp.pipeline import analyse

    oof = stage1_out_of_fold((STAGE1_C,))
    annotated, inputs, real, p1 = oof.annotated, oof.inputs, oof.real, oof.p1[STAGE1_C]
    gate = read_metrics(DEFAULT_MODEL_DIR)["gate"]
    positive = inputs.gold.any(axis=0)
    everyday = np.array([p.source == "part_g" for p in annotated]) & ~positive
    passed = p1.max(axis=0) >= gate
    shown = passed & real
    logits = np.log(np.clip(p1, 1e-6, 1 - 1e-6) / np.clip(1 - p1, 1e-6, 1)).T
    semantic = [a.semantic_text for a in analyse([p.text for p in annotated])]
    rows = {}
    for k in args.layers:
        vectors, ms = layer_vectors(k, semantic)
        x = np.hstack([vectors, 0.3 * logits])
        score = np.zeros(len(annotated))
        for train, test in inputs.folds:
            train = train[passed[train]]
            model = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")
            model.fit(x[train], positive[train], sample_weight=inputs.weight[train])
            score[test] = model.decision_function(x[test])
        row: dict[str, object] = {"ms_a_post_for_k_layers": round(ms, 2)}
        for target in TARGETS:
            keep = score >= np.quantile(score[shown & positive], 1 - target)
            row[f"recall {target}: negatives / everyday posts kept"] = [
                round(float(keep[shown & ~positive].mean()), 3),
                round(float(keep[shown & everyday].mean()), 3)]
        rows[f"{k} layers"] = row
    print(json.dumps({
        **cpu_info(), "posts": int(real.sum()), "stage1_gate": gate,
        "stage1_passes_positives / negatives / everyday": [
            round(float(passed[m].mean()), 3)
            for m in (real & positive, real & ~positive, real & everyday)],
        "everyday posts shown to the second gate": int((shown & everyday).sum()),
        "second_gate": rows}, indent=2))


if __name__ == "__main__":
    main()
