"""How sure is the test split that one model is better than another? Each run of this script is a
look at held-out data: count it in nlp/MODEL_CARD.md.

Two models trained on different feature revisions cannot run in one process (a model refuses
features it was not trained on), so the comparison takes two steps, each run by the code its model
was trained with:

    PYTHONPATH=<checkout A> .venv/bin/python scripts/compare_on_test_split.py predict \\
        <model dir A> <corpus dir> a.json
    PYTHONPATH=<checkout B> .venv/bin/python scripts/compare_on_test_split.py predict \\
        <model dir B> <corpus dir> b.json
    .venv/bin/python scripts/compare_on_test_split.py compare a.json b.json

`compare` prints each label's F1 for both, the difference with a 95% interval from a paired
bootstrap over the test posts (the same resampled posts for both models), and the posts one model
reads rightly and the other wrongly (nlp/MODEL_CARD.md, model 84).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer

from nlp.vocabulary import LABELS

app = typer.Typer(add_completion=False)


@app.command()
def predict(model_dir: Path, corpus_dir: Path, out: Path) -> None:
    """Flag every test post of `corpus_dir` with the model in `model_dir`."""
    from nlp.api import get_enricher
    from nlp.corpus import assign_splits, by_split, load_corpus

    posts = load_corpus(corpus_dir)
    test = by_split(posts, assign_splits(posts))["test"]
    enriched = get_enricher(model_dir).enrich([p.text for p in test])
    rows = [{"id": p.id, "text": p.text, "gold": {lab: bool(p.labels[lab]) for lab in LABELS},
             "flag": {lab: bool(e.labels[lab].flag) for lab in LABELS},
             "p": {lab: float(e.labels[lab].p) for lab in LABELS}} for p, e in zip(test, enriched,
                                                                          strict=True)]
    out.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    typer.echo(f"{len(rows)} test posts → {out}")


def _f1(gold: np.ndarray, flag: np.ndarray) -> float:
    """F1 as the evaluation reports it (nlp.evaluation.prf)."""
    from nlp.evaluation import prf

    return prf(int((gold & flag).sum()), int((~gold & flag).sum()),
               int((gold & ~flag).sum()))["f1"]


@app.command()
def compare(a: Path, b: Path, resamples: int = 4000, seed: int = 0) -> None:
    """F1 of model B minus model A per label, with a paired-bootstrap 95% interval."""
    rows_a, rows_b = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
    if [r["id"] for r in rows_a] != [r["id"] for r in rows_b]:
        raise typer.BadParameter("the two files hold different test posts")
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(rows_a), (resamples, len(rows_a)))
    for label in LABELS:
        gold, flag_a, flag_b = (np.array([r[key][label] for r in rows]) for key, rows in (
            ("gold", rows_a), ("flag", rows_a), ("flag", rows_b)))
        diffs = np.array([_f1(gold[i], flag_b[i]) - _f1(gold[i], flag_a[i]) for i in draws])
        low, high = np.percentile(diffs, [2.5, 97.5])
        worse = int(((flag_a == gold) & (flag_b != gold)).sum())
        better = int(((flag_a != gold) & (flag_b == gold)).sum())
        typer.echo(f"{label:18} positives {int(gold.sum()):4}  A {_f1(gold, flag_a):.3f}  "
                   f"B {_f1(gold, flag_b):.3f}  B−A {_f1(gold, flag_b) - _f1(gold, flag_a):+.3f} "
                   f"[{low:+.3f}, {high:+.3f}]  B worse on {worse}, better on {better}")
        for ra, rb in zip(rows_a, rows_b, strict=True):
            if ra["flag"][label] != rb["flag"][label]:
                verdict = "worse " if rb["flag"][label] != rb["gold"][label] else "better"
                typer.echo(f"    {verdict} {ra['p'][label]:.2f} → {rb['p'][label]:.2f} "
                           f"{ra['id']}  {ra['text'][:100]}")


if __name__ == "__main__":
    app()
