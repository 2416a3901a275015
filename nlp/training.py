"""Training: choose C and thresholds by grouped cross-validation over train + dev, fit on
train + dev, never look at test."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from nlp.corpus import (
    DEFAULT_CORPUS_DIR,
    Post,
    assign_splits,
    by_split,
    load_corpus,
    split_keys,
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


# Ceiling on the hard-negative false-alarm rate of one label's out-of-fold predictions when
# choosing its threshold: false alarms on criticism, reports and counter-speech are the errors this
# system must not make. Below the 0.10 bar to leave room for the union over four labels.
MAX_FALSE_ALARM_RATE = 0.08
CV_FOLDS = 5


def _best_threshold(
    y: np.ndarray, p: np.ndarray, hard: np.ndarray | None = None
) -> tuple[float, float]:
    """Threshold with the best F1 among those whose hard-negative false-alarm rate is at most
    MAX_FALSE_ALARM_RATE; if none is, the one with the fewest false alarms. Returns (t, F1)."""
    n_hard = int(hard.sum()) if hard is not None else 0
    f1s, rates = [], []
    for t in THRESHOLD_GRID:
        pred = p >= t
        f1s.append(f1_score(y, pred, zero_division=0))
        rates.append(float((pred & hard & (y == 0)).sum()) / n_hard if n_hard else 0.0)
    feasible = [i for i, r in enumerate(rates) if r <= MAX_FALSE_ALARM_RATE + 1e-12]
    if not feasible:
        lowest = min(rates)
        feasible = [i for i, r in enumerate(rates) if r == lowest]
    best = max(f1s[i] for i in feasible)
    tied = [i for i in feasible if f1s[i] == best]
    # Equal F1 over a run of thresholds: the middle of the run is the least fragile choice.
    i = tied[len(tied) // 2]
    return float(THRESHOLD_GRID[i]), float(f1s[i])


def _vectorise(clf: Classifier, texts: list[str], analyses: list) -> None:
    from nlp.features import normalise

    norm = [normalise(t, a) for t, a in zip(texts, analyses, strict=True)]
    clf.word.fit(norm)
    clf.char.fit(norm)


def _fit_features(texts: list[str], analyses: list, version: str) -> Classifier:
    word, char = new_vectorizers()
    clf = Classifier(word=word, char=char, models={}, thresholds={}, version=version)
    _vectorise(clf, texts, analyses)
    return clf


def _oof_probabilities(
    posts: list[Post], texts: list[str], analyses: list, c_grid: tuple[float, ...], version: str
) -> dict[tuple[str, float], np.ndarray]:
    """Out-of-fold calibrated p per (label, C) from grouped k-fold over the given posts. Each fold
    refits vectorisers and calibrated models exactly as the final model is fitted, so the
    probability scale the thresholds are chosen on is that of a model like the shipped one."""
    from sklearn.model_selection import GroupKFold

    # Same merged groups as the split: reposts and shared texts never straddle two folds.
    keys = split_keys(posts)
    groups = np.array([keys[p.id] for p in posts])
    oof = {(label, c): np.zeros(len(posts)) for label in LABELS for c in c_grid}
    for tr, te in GroupKFold(n_splits=CV_FOLDS).split(texts, groups=groups):
        tr_texts, tr_an = [texts[i] for i in tr], [analyses[i] for i in tr]
        clf = _fit_features(tr_texts, tr_an, version)
        x_tr = clf.matrix(tr_texts, tr_an)
        x_te = clf.matrix([texts[i] for i in te], [analyses[i] for i in te])
        tr_posts = [posts[i] for i in tr]
        for label in LABELS:
            y_tr = _y(tr_posts, label)
            for c in c_grid:
                model = new_label_model(c).fit(x_tr, y_tr)
                oof[(label, c)][te] = model.predict_proba(x_te)[:, 1]
    return oof


def fit(
    train: list[Post],
    dev: list[Post],
    version: str,
    *,
    c_grid: tuple[float, ...] = C_GRID,
) -> tuple[Classifier, dict]:
    """Choose C and the threshold per label by grouped k-fold cross-validation over train + dev
    (out-of-fold calibrated probabilities), then fit the shipped model on train + dev with those
    settings. The test split is not an argument: it cannot leak in here."""
    both = train + dev
    texts = [p.text for p in both]
    analyses = analyse(texts)
    for label in LABELS:
        y = _y(both, label)
        if y.sum() < 5 or y.sum() > len(y) - 5:
            raise ValueError(f"too few examples for {label}: {int(y.sum())} positives")
    oof = _oof_probabilities(both, texts, analyses, c_grid, version)
    hard = np.array([bool(p.hard_negative) for p in both])
    chosen_c: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    cv_scores: dict[str, dict[str, float]] = {}
    for label in LABELS:
        y = _y(both, label)
        best: tuple[float, float, float] | None = None
        for c in c_grid:
            t, f = _best_threshold(y, oof[(label, c)], hard)
            if best is None or f > best[2]:
                best = (c, t, f)
        c, t, f = best
        chosen_c[label], thresholds[label] = c, t
        flagged = oof[(label, c)] >= t
        rate = float((flagged & hard & (y == 0)).sum()) / max(int(hard.sum()), 1)
        cv_scores[label] = {"f1": round(f, 4), "threshold": t, "C": c,
                            "hard_negative_false_alarms": round(rate, 4)}
    # Union over labels, as evaluation.false_alarms counts it, on the out-of-fold predictions.
    wrong = np.zeros(len(both), dtype=bool)
    for label in LABELS:
        y = _y(both, label)
        wrong |= (oof[(label, chosen_c[label])] >= thresholds[label]) & (y == 0)
    n_hard = int(hard.sum())
    cv_all = {
        "hard_negative_false_alarms": round(float((wrong & hard).sum()) / n_hard, 4)
        if n_hard else 0.0,
        "n_hard": n_hard,
        "folds": CV_FOLDS,
    }
    final = _fit_features(texts, analyses, version)
    final.thresholds = thresholds
    x_all = final.matrix(texts, analyses)
    for label in LABELS:
        final.models[label] = new_label_model(chosen_c[label]).fit(x_all, _y(both, label))
    # "dev" keeps its per-label shape (the CLI prints it); the figures are cross-validated now.
    return final, {"c": chosen_c, "dev": cv_scores, "cv": cv_all}


def _version(posts: list[Post]) -> str:
    """Changes with the fitted data and with the recipe (features, grids, weights)."""
    from nlp.cues import CUES
    from nlp.features import EXTRA_FEATURES, FEATURE_REVISION, GROUP_TERMS

    digest = hashlib.sha256()
    recipe = (FEATURE_REVISION, EXTRA_FEATURES, sorted(CUES.items()), GROUP_TERMS, C_GRID,
              MAX_FALSE_ALARM_RATE, CV_FOLDS, str(new_vectorizers()))
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
        "cv": info["cv"],
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
