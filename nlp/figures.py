"""Figures for the model card: F1 against the keyword baseline, and calibration on the test split.

Run: .venv/bin/python -m nlp.figures   (writes nlp/models/figures/*.png)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from nlp.api import Enricher  # noqa: E402
from nlp.corpus import assign_splits, by_split, load_corpus  # noqa: E402
from nlp.evaluation import evaluate  # noqa: E402
from nlp.model import Classifier  # noqa: E402
from nlp.model_files import DEFAULT_MODEL_DIR  # noqa: E402
from nlp.types import LABELS  # noqa: E402

OUT = DEFAULT_MODEL_DIR / "figures"


def f1_vs_baseline(out: Path) -> Path:
    report = evaluate()
    x = np.arange(len(LABELS))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(x - 0.2, [report.labels[k]["f1"] for k in LABELS], 0.4, label="model")
    ax.bar(x + 0.2, [report.baseline_labels[k]["f1"] for k in LABELS], 0.4,
           label="keyword baseline")
    ax.set_xticks(x, [k.replace("_", "\n") for k in LABELS])
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("F1 on test split")
    ax.axhline(0.8, color="grey", lw=0.8, ls="--")
    ax.legend(loc="upper right", ncol=2, fontsize=8)
    ax.set_title(f"{report.model_version}: F1 per label (n={report.n_test})")
    fig.tight_layout()
    path = out / "f1_vs_baseline.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def calibration(out: Path, bins: int = 8) -> Path:
    posts = load_corpus()
    test = by_split(posts, assign_splits(posts))["test"]
    enr = Enricher(Classifier.load()).enrich([p.text for p in test])
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    edges = np.linspace(0, 1, bins + 1)
    for label in LABELS:
        p = np.array([e.labels[label].p for e in enr])
        y = np.array([t.labels[label] for t in test], dtype=float)
        idx = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
        xs, ys = [], []
        for b in range(bins):
            mask = idx == b
            if mask.sum() >= 3:
                xs.append(p[mask].mean())
                ys.append(y[mask].mean())
        ax.plot(xs, ys, marker="o", label=label)
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title("Calibration on the test split")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "calibration.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for path in (f1_vs_baseline(OUT), calibration(OUT)):
        print(path)


if __name__ == "__main__":
    main()
