"""What training cross-validates on: each post's features, its weight in a fit, the grouped folds,
and the out-of-fold decision scores of the label models. `nlp.training.fit` chooses C, the
calibration, the thresholds and the gate on these scores; `cv_compare_parts.py` compares corpora
with them. The test split is never an input."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import GroupKFold

from nlp.corpus import Post, split_keys
from nlp.embedding import embed
from nlp.evaluation import REAL_REGISTER_PART
from nlp.features import extra_vector, normalise
from nlp.model import dense_features, new_label_model, new_vectorizers, stage1_features
from nlp.pipeline import analyse
from nlp.types import LABELS

N_FOLDS = 5
# Scale of the embedding block next to the tf-idf block in stage 2 (chosen by grouped
# cross-validation on train + dev).
EMB_WEIGHT = 3.0
# Weight of an augmented (template-expanded) post against an annotated one in every fit.
AUGMENTED_WEIGHT = 1.0
# Weight of a real-register negative (part_f: policy, press releases, local news, neighbourhood
# apps, event announcements) in every fit: the registers the system reads most, where a false
# alarm floods the queue (issue 12 asks for them to be weighted).
REAL_REGISTER_WEIGHT = 2.0

# The screen's place among the stages: 1 n-grams and cues, 2 with e5's embedding, 3 with the
# distilled encoder's (nlp.model).
SCREEN_STAGE = 3

# stage → C → label → one score per post
OutOfFold = dict[int, dict[float, dict[str, np.ndarray]]]


@dataclass(frozen=True)
class CorpusInputs:
    norm: list[str]
    extra: np.ndarray
    emb: np.ndarray  # (posts, 384), or (posts, 0) without the embedding stage
    screen_emb: np.ndarray  # the same by the distilled encoder, or (posts, 0) without a screen
    weight: np.ndarray
    gold: np.ndarray  # (labels, posts)
    folds: list[tuple[np.ndarray, np.ndarray]]


def corpus_inputs(posts: list[Post], *, embedded: bool = True, screened: bool = False,
                  augmented_weight: float = AUGMENTED_WEIGHT) -> CorpusInputs:
    texts = [p.text for p in posts]
    analyses = analyse(texts)
    keys = split_keys(posts)
    semantic = [a.semantic_text for a in analyses]
    none = np.zeros((len(texts), 0), dtype=np.float32)
    return CorpusInputs(
        norm=[normalise(t, a) for t, a in zip(texts, analyses, strict=True)],
        extra=np.vstack([extra_vector(a) for a in analyses]),
        emb=embed(semantic) if embedded else none,
        screen_emb=embed(semantic, student=True) if screened else none,
        weight=np.where([not p.augmented for p in posts], 1.0, augmented_weight) * np.where(
            [p.source == REAL_REGISTER_PART for p in posts], REAL_REGISTER_WEIGHT, 1.0),
        gold=np.vstack([np.array([p.labels[label] for p in posts], dtype=int)
                        for label in LABELS]),
        folds=list(GroupKFold(n_splits=N_FOLDS).split(
            texts, groups=np.array([keys[p.id] for p in posts]))),
    )


def fit_vectorizers(norm: list[str]) -> tuple:
    word, char = new_vectorizers()
    word.fit(norm)
    char.fit(norm)
    return word, char


def out_of_fold_scores(inputs: CorpusInputs, c_grid: tuple[float, ...],
                       stages: tuple[int, ...] = (1, 2)) -> OutOfFold:
    n = len(inputs.norm)
    oof: OutOfFold = {s: {c: {label: np.zeros(n) for label in LABELS} for c in c_grid}
                      for s in stages}
    for tr, te in inputs.folds:
        word, char = fit_vectorizers([inputs.norm[i] for i in tr])
        x_tr, x_te = (stage1_features(word, char, [inputs.norm[i] for i in idx],
                                      inputs.extra[idx]) for idx in (tr, te))
        by_stage = {1: (x_tr, x_te)}
        for stage, emb in ((2, inputs.emb), (SCREEN_STAGE, inputs.screen_emb)):
            if stage in stages:
                by_stage[stage] = (dense_features(x_tr, emb[tr], EMB_WEIGHT),
                                   dense_features(x_te, emb[te], EMB_WEIGHT))
        for c in c_grid:
            for i, label in enumerate(LABELS):
                for stage in stages:
                    a, b = by_stage[stage]
                    model = new_label_model(c).fit(a, inputs.gold[i][tr],
                                                   sample_weight=inputs.weight[tr])
                    oof[stage][c][label][te] = model.decision_function(b)
    return oof
