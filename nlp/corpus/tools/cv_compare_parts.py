"""Would built-in source files help? Cross-validation only, on train + dev: the test split and the
functional suite are never read, so this may decide what goes into the corpus.

The corpus is copied to a scratch folder, part_h is rebuilt there with `h1 … h<N>`, and both
corpora get out-of-fold stage-2 scores (the training's features, weights and embedding input,
C 128 for every label). Both are compared on the annotated posts they share: each label's best
F1, and the false alarms on hard negatives (overall and by kind) at those thresholds.

Run:  .venv/bin/python nlp/corpus/tools/cv_compare_parts.py --upto 18   (about 5 minutes)
      .venv/bin/python nlp/corpus/tools/cv_compare_parts.py --add 20      (h20 alone)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_curve

from nlp.corpus import DEFAULT_CORPUS_DIR, Post, assign_splits, by_split, load_corpus
from nlp.cross_validation import corpus_inputs, out_of_fold_scores
from nlp.vocabulary import LABELS

sys.path.insert(0, str(DEFAULT_CORPUS_DIR))
from source_builder import PART_H_FILES  # noqa: E402

_PART_H_LINE = re.compile(r"^PART_H_FILES: list\[int\] = .*$", re.MULTILINE)


def corpus_with_parts(parts: list[int], scratch: Path) -> Path:
    shutil.copytree(DEFAULT_CORPUS_DIR, scratch, dirs_exist_ok=True)
    builder = scratch / "source_builder.py"
    text = builder.read_text(encoding="utf-8")
    # The parts built in stay; the others are added (once each).
    lines = _PART_H_LINE.findall(text)
    if len(lines) != 1:
        raise SystemExit(f"{builder}: expected one line `PART_H_FILES: list[int] = …`")
    builder.write_text(text.replace(
        lines[0], f"PART_H_FILES: list[int] = sorted({{*{PART_H_FILES!r}, *{parts!r}}})"),
        encoding="utf-8")
    subprocess.run([sys.executable, str(builder)], check=True, capture_output=True)
    return scratch


def train_and_dev(corpus_dir: Path) -> list[Post]:
    posts = load_corpus(corpus_dir)
    splits = by_split(posts, assign_splits(posts))
    return splits["train"] + splits["dev"]


def out_of_fold(posts: list[Post]) -> dict[str, dict[str, float]]:
    """Stage-2 out-of-fold scores at C 128, as training computes them."""
    scores = out_of_fold_scores(corpus_inputs(posts), (128.0,), (2,))[2][128.0]
    return {p.id: {label: float(scores[label][i]) for label in LABELS}
            for i, p in enumerate(posts)}


def compare(scores: dict[str, dict[str, float]], posts: list[Post]) -> dict:
    flagged = np.zeros(len(posts), dtype=bool)
    result: dict = {}
    for label in LABELS:
        y = np.array([p.labels[label] for p in posts])
        s = np.array([scores[p.id][label] for p in posts])
        precision, recall, thresholds = precision_recall_curve(y, s)
        f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
        best = int(np.argmax(f1[:-1]))
        result[label] = round(float(f1[best]), 4)
        flagged |= s >= thresholds[best]
    kinds: dict[str, list[bool]] = {}
    for i, p in enumerate(posts):
        if p.hard_negative:
            kinds.setdefault(p.hard_negative, []).append(bool(flagged[i]))
    result["false_alarms"] = round(float(np.mean([f for v in kinds.values() for f in v])), 4)
    result["by_kind"] = {k: round(float(np.mean(v)), 3) for k, v in sorted(kinds.items())}
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    which = ap.add_mutually_exclusive_group(required=True)
    which.add_argument("--upto", type=int, help="add h1 … h<upto> to the parts built in")
    which.add_argument("--add", type=int, nargs="+", help="add these parts (e.g. 20)")
    args = ap.parse_args()
    parts = args.add or list(range(1, args.upto + 1))
    name = "with " + ("h1-h" + str(args.upto) if args.upto else "+".join(f"h{n}" for n in parts))
    base = train_and_dev(DEFAULT_CORPUS_DIR)
    with tempfile.TemporaryDirectory() as scratch:
        extended = train_and_dev(corpus_with_parts(parts, Path(scratch) / "corpus"))
    shared = sorted({p.id for p in base if not p.augmented} & {p.id for p in extended})
    by_id = {p.id: p for p in base}
    common = [by_id[i] for i in shared]
    print(json.dumps({
        "posts": {"committed": len(base), name: len(extended), "shared annotated": len(common)},
        "committed": compare(out_of_fold(base), common),
        name: compare(out_of_fold(extended), common),
    }, indent=2))


if __name__ == "__main__":
    main()
