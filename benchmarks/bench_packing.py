"""Several texts in one encoder call (not served): what packing would save, and what it costs.

An encoder call costs a fixed share whatever the text's length (on an AMD EPYC with AVX2 only,
2026-12-08: e5 about 16 ms, the student about 4 ms, against 0.8 and 0.34 ms a token), so short
posts pay mostly for the call. Packing puts the texts of a call one after the other in one
sequence, each with its own positions, attention kept inside its own text by a block-diagonal
mask, and each text's mean taken by a pooling matrix: the same arithmetic as one text a call,
except for the order in which the kernels add. The served engine (nlp/e5_engine.py) embeds one
text a call, because then a post's vector never depends on the posts it arrives with
(tests/nlp/test_e5_engine.py); a packed vector does, in its last bits. This prints both speeds,
one embedding on one thread over the corpus's dev posts in the classifier's order, and the
largest difference between a packed vector and the served one.

Then a batch instead of one sequence: each text padded to a bucket length fixed by its own
token count, texts of one bucket in one call, a key mask and a pooling matrix. A text's vector
then depends on the text alone if ONNX Runtime computes every row of a batch alike, which this
checks bit for bit over three shuffles of each text's neighbours.

Run:  .venv/bin/python benchmarks/bench_packing.py [--posts 160] [--pack 2 4 8]
      [--bucket-step 8] [--batch 16]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import numpy as np  # noqa: E402
from machine import cpu_info  # noqa: E402

if TYPE_CHECKING:
    from onnx import ModelProto
    from onnxruntime import InferenceSession

    from nlp.e5_engine import E5Engine


def packed_graph(engine: E5Engine) -> ModelProto:
    """The served graph with two more inputs: `mask` (tokens, tokens), added to every layer's
    attention scores, and `pool` (texts, tokens), which replaces the mean over the tokens."""
    from onnx import TensorProto, helper

    from nlp.e5_graph import encoder_graph

    model = encoder_graph(engine.encoder)
    graph = model.graph
    nodes = []
    for node in graph.node:
        if node.op_type == "Mul" and node.output[0].endswith(".scores"):
            scores = node.output[0]
            node.output[0] = f"{scores}.unmasked"
            nodes += [node, helper.make_node("Add", [f"{scores}.unmasked", "mask"], [scores])]
        elif node.op_type == "ReduceMean":
            nodes.append(helper.make_node("MatMul", ["pool", node.input[0]], ["pooled"]))
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    hidden = engine.weights.hidden
    graph.input.extend([
        helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["tokens", "tokens"]),
        helper.make_tensor_value_info("pool", TensorProto.FLOAT, ["texts", "tokens"])])
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info("pooled", TensorProto.FLOAT,
                                                      ["texts", hidden]))
    return model


# Bucket lengths in tokens by default; --bucket-step N makes them every N tokens instead.
BUCKETS: tuple[int, ...] = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)


def bucket(buckets: Sequence[int], tokens: int) -> int:
    return next(n for n in buckets if n >= tokens)


def bucketed_vectors(engine: E5Engine, session: InferenceSession, rows: Sequence[np.ndarray],
                     length: int) -> np.ndarray:
    """One call for `rows` (encoder inputs of one bucket), each padded to `length` tokens,
    L2-normalised."""
    x = np.zeros((len(rows), length, engine.weights.hidden), np.float32)
    mask = np.full((len(rows), 1, 1, length), -np.inf, np.float32)
    pool = np.zeros((len(rows), 1, length), np.float32)
    for i, row in enumerate(rows):
        x[i, :len(row)], mask[i, 0, 0, :len(row)], pool[i, 0, :len(row)] = row, 0.0, 1 / len(row)
    (pooled,) = session.run(None, {"x": x, "mask": mask, "pool": pool})
    return pooled[:, 0] / np.linalg.norm(pooled[:, 0], axis=1, keepdims=True)


def bucketed(engine: E5Engine, texts: Sequence[str], served: np.ndarray,
             buckets: Sequence[int], size: int) -> dict[str, object]:
    """Texts grouped by bucket in calls of `size`: ms a text, and whether every vector is the
    same bit for bit as the text's alone, in three shuffles of its neighbours."""
    from nlp.e5_engine import PREFIX, E5Engine
    from nlp.e5_graph import encoder_graph

    session = E5Engine._session(encoder_graph(engine.encoder, batched=True).SerializeToString(),
                                engine.session.get_session_options())
    rows = [engine.encoder_input(engine.tokenizer.pieces(PREFIX + t)) for t in texts]
    groups: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(bucket(buckets, len(row)), []).append(i)

    def run(length: int, members: Sequence[int]) -> list[tuple[list[int], np.ndarray]]:
        calls = [list(members[i:i + size]) for i in range(0, len(members), size)]
        return [(c, bucketed_vectors(engine, session, [rows[j] for j in c], length))
                for c in calls]

    alone = np.vstack([bucketed_vectors(engine, session, [row], bucket(buckets, len(row)))
                       for row in rows])
    start = time.perf_counter()
    for length, members in groups.items():
        run(length, members)
    ms = (time.perf_counter() - start) / len(texts) * 1000
    rng, identical = np.random.default_rng(0), True
    for _ in range(3):
        for length, members in groups.items():
            for chunk, out in run(length, [int(j) for j in rng.permutation(members)]):
                identical &= bool((out == alone[chunk]).all())
    return {"bucket_lengths": f"{buckets[0]}, {buckets[1]} ... {buckets[-1]}",
            f"bucketed_{size}_ms": round(ms, 2), "bucketed_same_in_any_batch": identical,
            "bucketed_max_difference": float(np.abs(alone - served).max())}


def packed_vectors(engine: E5Engine, session: InferenceSession, texts: Sequence[str]
                   ) -> np.ndarray:
    """One call for all of `texts` (each under 512 tokens), L2-normalised."""
    from nlp.e5_engine import PREFIX

    rows = [engine.encoder_input(engine.tokenizer.pieces(PREFIX + t)) for t in texts]
    tokens = sum(len(r) for r in rows)
    mask = np.full((tokens, tokens), -np.inf, np.float32)
    pool = np.zeros((len(rows), tokens), np.float32)
    start = 0
    for i, row in enumerate(rows):
        end = start + len(row)
        mask[start:end, start:end] = 0.0
        pool[i, start:end] = 1.0 / len(row)
        start = end
    (pooled,) = session.run(None, {"x": np.concatenate(rows), "mask": mask, "pool": pool})
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=160)
    ap.add_argument("--pack", type=int, nargs="+", default=[2, 4, 8])
    ap.add_argument("--bucket-step", type=int, default=0,
                    help="bucket lengths every this many tokens (0: the default buckets)")
    ap.add_argument("--batch", type=int, default=8, help="texts of one bucket in one call")
    args = ap.parse_args()
    buckets = (tuple(range(args.bucket_step, 513, args.bucket_step)) if args.bucket_step
               else BUCKETS)

    from nlp.corpus import by_split, load_corpus, read_splits
    from nlp.e5_engine import E5Engine
    from nlp.embedding import embedded_text
    from nlp.pipeline import analyse

    posts = by_split(load_corpus(), read_splits())["dev"][:args.posts]
    texts = [embedded_text(a.semantic_text) for a in analyse([p.text for p in posts])]
    teacher = E5Engine()
    results: dict[str, object] = {**cpu_info(), "posts": len(texts)}
    for student in (True, False):
        engine = E5Engine(student=student, shared=teacher)
        session = E5Engine._session(packed_graph(engine).SerializeToString(),
                                    engine.session.get_session_options())
        engine.query(texts[:3])
        start = time.perf_counter()
        served = engine.query(texts)
        row: dict[str, object] = {
            "one_text_a_call_ms": round((time.perf_counter() - start) / len(texts) * 1000, 2)}
        for size in args.pack:
            start = time.perf_counter()
            packed = np.vstack([packed_vectors(engine, session, texts[i:i + size])
                                for i in range(0, len(texts), size)])
            row[f"pack_{size}_ms"] = round((time.perf_counter() - start) / len(texts) * 1000, 2)
            row[f"pack_{size}_max_difference"] = float(np.abs(packed - served).max())
        row.update(bucketed(engine, texts, served, buckets, args.batch))
        results["student" if student else "e5"] = row
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
