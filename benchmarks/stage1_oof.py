"""Out-of-fold stage-1 probabilities on the annotated train + dev posts, for the benchmarks that
ask how sharp a gate could be (bench_gate_choices.py, bench_exit_gate.py). No test post and no
functional case is read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Stage1OutOfFold:
    annotated: list  # the train + dev posts (nlp.types.Post), augmented ones included
    inputs: object  # nlp.cross_validation.CorpusInputs of `annotated`
    real: np.ndarray  # posts as written, not augmented
    p1: dict[float, np.ndarray]  # C → (labels, posts), calibrated on the real posts


def stage1_out_of_fold(c_grid: tuple[float, ...]) -> Stage1OutOfFold:
    from nlp.corpus import assign_splits, by_split, load_corpus
    from nlp.cross_validation import corpus_inputs, out_of_fold_scores
    from nlp.model import platt
    from nlp.operating_points import platt_fit
    from nlp.types import LABELS

    posts = load_corpus()
    split = by_split(posts, assign_splits(posts))
    annotated = split["train"] + split["dev"]
    inputs = corpus_inputs(annotated, embedded=False)
    scores = out_of_fold_scores(inputs, c_grid, (1,))[1]
    real = np.array([not p.augmented for p in annotated])
    p1 = {c: np.vstack([platt(scores[c][label], *platt_fit(scores[c][label][real],
                                                            inputs.gold[i][real]))
                        for i, label in enumerate(LABELS)]) for c in c_grid}
    return Stage1OutOfFold(annotated, inputs, real, p1)
