"""Training: fit on the train split, choose C and thresholds on dev, never look at test."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from nlp.corpus import (
    DEFAULT_CORPUS_DIR,
    Post,
    assign_splits,
    by_split,
    load_corpus,
    text_key,
    write_splits,
)
from nlp.model import (
    DEFAULT_MODEL_DIR,
    METRICS_FILE,
    MODEL_FILE,
    Classifier,
    new_label_model,
    new_vectorizers,
)
from nlp.pipeline import analyse
from nlp.types import LABELS

C_GRID = (2.0, 4.0, 8.0, 16.0, 32.0)
THRESHOLD_GRID = np.round(np.arange(0.15, 0.91, 0.01), 2)


@dataclass(slots=True)
class TrainReport:
    version: str
    model_path: str
    n_train: int
    n_dev: int
    n_test: int
    c: dict[str, float]
    thresholds: dict[str, float]
    dev: dict[str, dict[str, float]]
    test: dict = field(default_factory=dict)
    n_extra: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def text_hash(text: str) -> str:
    return text_key(text)


def _y(posts: list[Post], label: str) -> np.ndarray:
    return np.array([p.labels[label] for p in posts], dtype=int)


# Weight of the hard-negative false-alarm rate against F1 when choosing a threshold: false alarms
# on criticism, reports and counter-speech are the errors this system must not make.
FALSE_ALARM_WEIGHT = 1.0


# Thresholds whose objective is within this margin of the best count as equally good; the middle
# of that plateau is taken, because the edge of a plateau on a small dev set is mostly noise.
PLATEAU = 0.01


def _best_threshold(
    y: np.ndarray, p: np.ndarray, hard: np.ndarray | None = None
) -> tuple[float, float]:
    """Threshold maximising F1 − w·(false-alarm rate on hard negatives); returns (t, F1 at t)."""
    n_hard = int(hard.sum()) if hard is not None else 0
    objs, f1s = [], []
    for t in THRESHOLD_GRID:
        pred = p >= t
        f = f1_score(y, pred, zero_division=0)
        obj = f
        if n_hard:
            obj -= FALSE_ALARM_WEIGHT * float((pred & hard & (y == 0)).sum()) / n_hard
        objs.append(obj)
        f1s.append(f)
    best = max(objs)
    plateau = [i for i, o in enumerate(objs) if o >= best - PLATEAU]
    i = plateau[len(plateau) // 2]
    return float(THRESHOLD_GRID[i]), float(f1s[i])


def _vectorise(clf: Classifier, texts: list[str], analyses: list) -> None:
    from nlp.features import normalise

    norm = [normalise(t, a) for t, a in zip(texts, analyses, strict=True)]
    clf.word.fit(norm)
    clf.char.fit(norm)


def fit(
    train: list[Post],
    dev: list[Post],
    version: str,
    *,
    refit_on_dev: bool = True,
    c_grid: tuple[float, ...] = C_GRID,
) -> tuple[Classifier, dict]:
    """Choose C and the threshold per label on dev with a model fitted on train; then (default)
    refit with those settings on train + dev, so the shipped model sees 15% more data. The test
    split is not an argument: it cannot leak in here."""
    texts, dev_texts = [p.text for p in train], [p.text for p in dev]
    an_train, an_dev = analyse(texts), analyse(dev_texts)
    word, char = new_vectorizers()
    clf = Classifier(word=word, char=char, models={}, thresholds={}, version=version)
    _vectorise(clf, texts, an_train)
    x_train = clf.matrix(texts, an_train)
    x_dev = clf.matrix(dev_texts, an_dev)
    hard = np.array([bool(p.hard_negative) for p in dev])
    chosen_c: dict[str, float] = {}
    dev_scores: dict[str, dict[str, float]] = {}
    for label in LABELS:
        y_tr, y_dev = _y(train, label), _y(dev, label)
        if y_tr.sum() < 5 or y_tr.sum() > len(y_tr) - 5:
            raise ValueError(f"too few examples for {label}: {int(y_tr.sum())} positives")
        best_c, best_f = c_grid[0], -1.0
        for c in c_grid:
            lr = LogisticRegression(C=c, class_weight="balanced", max_iter=3000,
                                    solver="liblinear").fit(x_train, y_tr)
            _, f = _best_threshold(y_dev, lr.predict_proba(x_dev)[:, 1], hard)
            if f > best_f:
                best_c, best_f = c, f
        model = new_label_model(best_c).fit(x_train, y_tr)
        t, f = _best_threshold(y_dev, model.predict_proba(x_dev)[:, 1], hard)
        clf.models[label] = model
        clf.thresholds[label] = t
        chosen_c[label] = best_c
        dev_scores[label] = {"f1": round(f, 4), "threshold": t, "C": best_c}
    if refit_on_dev:
        both = train + dev
        all_texts, all_an = texts + dev_texts, an_train + an_dev
        word, char = new_vectorizers()
        final = Classifier(word=word, char=char, models={}, thresholds=dict(clf.thresholds),
                           version=version)
        _vectorise(final, all_texts, all_an)
        x_all = final.matrix(all_texts, all_an)
        for label in LABELS:
            final.models[label] = new_label_model(chosen_c[label]).fit(x_all, _y(both, label))
        clf = final
    return clf, {"c": chosen_c, "dev": dev_scores}


def _version(posts: list[Post]) -> str:
    """Changes with the fitted data and with the recipe (features, grids, weights)."""
    from nlp.cues import CUES
    from nlp.features import EXTRA_FEATURES, FEATURE_REVISION, GROUP_TERMS

    digest = hashlib.sha256()
    recipe = (FEATURE_REVISION, EXTRA_FEATURES, sorted(CUES.items()), GROUP_TERMS, C_GRID,
              FALSE_ALARM_WEIGHT, PLATEAU, str(new_vectorizers()))
    digest.update(repr(recipe).encode())
    for p in sorted(posts, key=lambda p: p.id):
        digest.update(f"{p.id}\t{p.text}\t{sorted(p.labels.items())}\n".encode())
    return f"nlp-{datetime.now(UTC):%Y%m%d}-{digest.hexdigest()[:8]}"


def train(
    corpus_dir: Path = DEFAULT_CORPUS_DIR,
    model_dir: Path = DEFAULT_MODEL_DIR,
    *,
    extra_train: list[Post] | None = None,
    record_splits: bool = True,
    c_grid: tuple[float, ...] = C_GRID,
) -> TrainReport:
    corpus_dir, model_dir = Path(corpus_dir), Path(model_dir)
    posts = load_corpus(corpus_dir)
    splits = assign_splits(posts)
    if record_splits:
        write_splits(splits, corpus_dir)
    parts = by_split(posts, splits)
    test_hashes = {text_hash(p.text) for p in parts["test"]}
    # Corrections whose text is in the frozen test split are dropped: test stays untouched.
    extra = [p for p in (extra_train or []) if text_hash(p.text) not in test_hashes]
    train_posts = parts["train"] + extra
    version = _version(train_posts + parts["dev"])
    clf, info = fit(train_posts, parts["dev"], version, c_grid=c_grid)
    fitted = train_posts + parts["dev"]
    metrics = {
        "version": version,
        "trained_at": datetime.now(UTC).isoformat(),
        "n_train": len(train_posts),
        "n_dev": len(parts["dev"]),
        "n_test": len(parts["test"]),
        "c": info["c"],
        "thresholds": clf.thresholds,
        "dev": info["dev"],
        "n_fitted": len(fitted),
        # Hashes of every text the shipped model was fitted on (train + dev), so tests can prove
        # that nothing from the test split leaked into training.
        "train_text_hashes": sorted({text_hash(p.text) for p in fitted}),
    }
    path = clf.save(model_dir, metrics)
    from nlp.evaluation import evaluate

    report = evaluate(model_dir, corpus_dir)
    metrics["test"] = report.to_dict()
    (model_dir / METRICS_FILE).write_text(
        json.dumps(metrics, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return TrainReport(
        version=version, model_path=str(path), n_train=len(train_posts),
        n_dev=len(parts["dev"]), n_test=len(parts["test"]), c=info["c"],
        thresholds=clf.thresholds, dev=info["dev"], test=report.to_dict(), n_extra=len(extra),
    )


@dataclass(slots=True)
class RetrainResult:
    champion_version: str
    challenger_version: str
    champion: dict[str, dict[str, float]]
    challenger: dict[str, dict[str, float]]
    promote: bool
    promoted: bool
    challenger_dir: str
    n_corrections_used: int

    def to_dict(self) -> dict:
        return asdict(self)


def corrections_to_posts(corrections: list[dict]) -> list[Post]:
    """Analysts' label corrections. Each dict has "text" and either "labels" ({label: bool}, missing
    labels count as False) or a single "label" with its corrected "value"; "id" is optional."""
    posts = []
    for i, c in enumerate(corrections):
        given = dict(c.get("labels") or {})
        if "label" in c:
            given[str(c["label"])] = bool(c.get("value", c.get("flag", True)))
        unknown = set(given) - set(LABELS)
        if unknown:
            raise ValueError(f"correction {i}: unknown labels {sorted(unknown)}")
        labels = {name: bool(given.get(name, False)) for name in LABELS}
        ident = str(c.get("id") or f"corr-{i}")
        posts.append(Post(id=f"corr:{ident}", text=str(c["text"]), labels=labels,
                          in_almere=c.get("in_almere"), group=f"corr:{ident}",
                          source="corrections"))
    return posts


def retrain_with_corrections(
    corrections: list[dict],
    corpus_dir: Path = DEFAULT_CORPUS_DIR,
    model_dir: Path = DEFAULT_MODEL_DIR,
    challenger_dir: Path | None = None,
    *,
    promote_if_better: bool = False,
    c_grid: tuple[float, ...] = C_GRID,
) -> RetrainResult:
    """Train a challenger on the corpus plus corrections and compare it with the current model on
    the frozen test split. Promotion requires the challenger to be no worse on any label's F1."""
    from nlp.evaluation import evaluate

    corpus_dir, model_dir = Path(corpus_dir), Path(model_dir)
    champion = evaluate(model_dir, corpus_dir)
    extra = corrections_to_posts(corrections)
    target = Path(challenger_dir) if challenger_dir else Path(tempfile.mkdtemp(prefix="nlp-chal-"))
    report = train(corpus_dir, target, extra_train=extra, record_splits=False, c_grid=c_grid)
    challenger = evaluate(target, corpus_dir)
    promote = all(
        challenger.labels[label]["f1"] >= champion.labels[label]["f1"] - 1e-9 for label in LABELS
    )
    promoted = False
    if promote and promote_if_better:
        for name in (MODEL_FILE, METRICS_FILE):
            shutil.copy2(target / name, model_dir / name)
        from nlp.api import reset_cache

        reset_cache()
        promoted = True
    return RetrainResult(
        champion_version=champion.model_version,
        challenger_version=report.version,
        champion=champion.labels,
        challenger=challenger.labels,
        promote=promote,
        promoted=promoted,
        challenger_dir=str(target),
        n_corrections_used=report.n_extra,
    )
