"""Would a static word table distilled from e5 make the stage-2 gate sharper (issue 12, speed)?

Every word of a Dutch word list and of the corpus is embedded once by e5; a post is then read
as the SIF-weighted mean of its words' centred vectors (group terms masked, as for the
embedding). Gate models are cross-validated on the annotated train + dev posts, each gate set at
out-of-fold positive recall 0.99 (as in training), fitted on all of them and applied to the
everyday posts of the benchmark stream. It reports; nothing it measures is used by the model.
The test split and the functional suite are not read.

The word list is a JSON object word → frequency, made once with `wordfreq` (not a dependency
of the project) in any Python:
    python -c "import json, wordfreq; json.dump({w: wordfreq.word_frequency(w, 'nl') for w in
               wordfreq.top_n_list('nl', 40000)}, open('nl_words.json', 'w'))"

Run:  .venv/bin/python benchmarks/bench_static_gate.py --words nl_words.json
      (embedding 44,000 words takes about 8 minutes on one core; --vectors caches them)
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from everyday import unique_chatter
from machine import cpu_info

_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
SIF_A = 1e-3
GATE_RECALL = 0.99


class StaticTable:
    """Word vectors and SIF weights; a text is the weighted mean of its known words."""

    def __init__(self, words: list[str], vectors: np.ndarray, freq: dict[str, float]) -> None:
        self.index = {w: i for i, w in enumerate(words)}
        self.vectors = vectors - vectors.mean(axis=0)
        self.weights = np.array([SIF_A / (SIF_A + freq.get(w, 1e-6)) for w in words],
                                dtype=np.float32)

    def read(self, texts: list[str]) -> np.ndarray:
        from nlp.features import mask_groups

        out = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = [self.index[w] for w in (m.lower() for m in _WORD_RE.findall(mask_groups(text)))
                   if w in self.index]
            if ids:
                v = self.vectors[ids].T @ self.weights[ids] / self.weights[ids].sum()
                out[row] = v / (np.linalg.norm(v) + 1e-9)
        return out


def build_table(freq: dict[str, float], texts: list[str], cache: Path | None) -> StaticTable:
    from nlp.embedding import embed

    words = sorted(set(freq) | {w.lower() for t in texts for w in _WORD_RE.findall(t)})
    if cache is not None and cache.exists():
        saved = np.load(cache, allow_pickle=False)
        if list(saved["words"]) == words:
            return StaticTable(words, saved["vectors"], freq)
    vectors = np.vstack([embed(words[i:i + 256]) for i in range(0, len(words), 256)])
    if cache is not None:
        np.savez(cache, words=np.array(words), vectors=vectors)
    return StaticTable(words, vectors, freq)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=Path, required=True, help="JSON word -> frequency (wordfreq)")
    ap.add_argument("--vectors", type=Path, default=None, help="cache of the word vectors (.npz)")
    ap.add_argument("--everyday", type=int, default=3000)
    args = ap.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from nlp.corpus import assign_splits, by_split, load_corpus, split_keys
    from nlp.features import extra_vector, normalise
    from nlp.model import new_vectorizers, stage1_features
    from nlp.pipeline import analyse
    from nlp.vocabulary import LABELS

    posts = load_corpus()
    splits = by_split(posts, assign_splits(posts))
    train = [p for p in splits["train"] + splits["dev"] if not p.augmented]
    texts = [p.text for p in train]
    everyday = [unique_chatter(random.Random(i), i) for i in range(args.everyday)]
    table = build_table(json.loads(args.words.read_text(encoding="utf-8")),
                        [p.text for p in posts], args.vectors)

    def inputs(batch: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        analyses = analyse(batch)
        return ([normalise(t, a) for t, a in zip(batch, analyses, strict=True)],
                np.vstack([extra_vector(a) for a in analyses]), table.read(batch))

    norm, extra, static = inputs(texts)
    norm_e, extra_e, static_e = inputs(everyday)
    gold = {label: np.array([p.labels[label] for p in train]) for label in LABELS}
    any_gold = np.any(np.vstack(list(gold.values())), axis=0)
    keys = split_keys(train)
    folds = list(GroupKFold(n_splits=5).split(texts, groups=[keys[p.id] for p in train]))

    def model(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear")

    def features(kind: str, vec, n: list[str], x_extra: np.ndarray, x_static: np.ndarray,
                 weight: float) -> sp.csr_matrix:
        if kind == "static":
            return sp.csr_matrix(np.hstack([x_static * weight, x_extra]))
        x = stage1_features(*vec, n, x_extra)
        return x if kind in ("max4", "ngram") else sp.hstack(
            [x, sp.csr_matrix(x_static * weight)], format="csr")

    def scores(kind: str, c: float, weight: float, a: np.ndarray, n_b: list[str],
               extra_b: np.ndarray, static_b: np.ndarray) -> np.ndarray:
        vec = new_vectorizers()
        for v in vec:
            v.fit([norm[i] for i in a])
        x_a = features(kind, vec, [norm[i] for i in a], extra[a], static[a], weight)
        x_b = features(kind, vec, n_b, extra_b, static_b, weight)
        if kind == "max4":
            return np.max([model(c).fit(x_a, gold[label][a]).predict_proba(x_b)[:, 1]
                           for label in LABELS], axis=0)
        return model(c).fit(x_a, any_gold[a]).predict_proba(x_b)[:, 1]

    rows = []
    for kind, c, weight in [("max4", 128.0, 0.0), ("ngram", 128.0, 0.0), ("static", 8.0, 3.0),
                            ("both", 128.0, 3.0), ("both", 128.0, 6.0)]:
        oof = np.zeros(len(train))
        for a, b in folds:
            oof[b] = scores(kind, c, weight, a, [norm[i] for i in b], extra[b], static[b])
        gate = float(np.quantile(oof[any_gold], 1 - GATE_RECALL))
        every = scores(kind, c, weight, np.arange(len(train)), norm_e, extra_e, static_e)
        rows.append({"gate_model": kind, "static_weight": weight, "gate": round(gate, 4),
                     "oof_positive_recall": round(float((oof[any_gold] >= gate).mean()), 4),
                     "oof_negatives_through": round(float((oof[~any_gold] >= gate).mean()), 4),
                     "everyday_through": round(float((every >= gate).mean()), 4)})
    print(json.dumps({**cpu_info(), "posts": len(train), "positives": int(any_gold.sum()),
                      "words": len(table.index), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
