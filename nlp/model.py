"""The label classifier: word and character n-grams plus cue features, one calibrated logistic
regression per label, a decision threshold per label. Stored with skops (no pickle)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.features import EXTRA_FEATURES, extra_vector, normalise
from nlp.pipeline import Analysis
from nlp.types import LABELS

MODEL_FILE = "classifier.skops"
METRICS_FILE = "metrics.json"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models"

# Only these types may be instantiated when loading a model file; anything else is refused.
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.", "builtins.")


@dataclass(slots=True)
class Classifier:
    word: TfidfVectorizer
    char: TfidfVectorizer
    models: dict[str, CalibratedClassifierCV]
    thresholds: dict[str, float]
    version: str
    extra_names: tuple[str, ...] = EXTRA_FEATURES
    _names: np.ndarray | None = field(default=None, repr=False)
    _coefs: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    # -- features -------------------------------------------------------------------------------
    def matrix(self, texts: Sequence[str], analyses: Sequence[Analysis]) -> sp.csr_matrix:
        if tuple(self.extra_names) != EXTRA_FEATURES:
            raise ValueError(
                f"model {self.version} was trained with other cue features; retrain it "
                "(`signals train`)"
            )
        norm = [normalise(t, a) for t, a in zip(texts, analyses, strict=True)]
        extra = np.vstack([extra_vector(a) for a in analyses]) if analyses else np.zeros(
            (0, len(self.extra_names)))
        return sp.hstack(
            [self.word.transform(norm), self.char.transform(norm), sp.csr_matrix(extra)],
            format="csr",
        )

    @property
    def feature_names(self) -> np.ndarray:
        if self._names is None:
            self._names = np.array(
                [f"w:{n}" for n in self.word.get_feature_names_out()]
                + [f"c:{n}" for n in self.char.get_feature_names_out()]
                + list(self.extra_names),
                dtype=object,
            )
        return self._names

    def coef(self, label: str) -> np.ndarray:
        if label not in self._coefs:
            cal = self.models[label].calibrated_classifiers_
            # ensemble=False leaves one base model trained on all data; average in case of more.
            self._coefs[label] = np.mean([c.estimator.coef_[0] for c in cal], axis=0)
        return self._coefs[label]

    # -- inference ------------------------------------------------------------------------------
    def predict_proba(self, x: sp.csr_matrix) -> dict[str, np.ndarray]:
        return {label: self.models[label].predict_proba(x)[:, 1] for label in LABELS}

    def explain(self, x_row: sp.csr_matrix, label: str, k: int = 6) -> list[tuple[str, float]]:
        """Strongest positive contributions (coefficient × feature value) for one row.
        Words and cues first: they are what an analyst can check in the text."""
        coef = self.coef(label)
        idx = x_row.indices
        contrib = x_row.data * coef[idx]
        order = np.argsort(-contrib)
        names = self.feature_names
        readable: list[tuple[str, float]] = []
        chars: list[tuple[str, float]] = []
        for j in order:
            if contrib[j] <= 0:
                break
            name = names[idx[j]]
            item = (name, round(float(contrib[j]), 4))
            (chars if name.startswith("c:") else readable).append(item)
        out = readable[:k]
        return out + chars[: k - len(out)]

    # -- persistence ----------------------------------------------------------------------------
    def save(self, model_dir: Path, metrics: dict | None = None) -> Path:
        model_dir.mkdir(parents=True, exist_ok=True)
        obj = {
            "word": self.word,
            "char": self.char,
            "models": self.models,
            "thresholds": self.thresholds,
            "version": self.version,
            "extra_names": list(self.extra_names),
        }
        path = model_dir / MODEL_FILE
        sio.dump(obj, path)
        if metrics is not None:
            (model_dir / METRICS_FILE).write_text(
                json.dumps(metrics, indent=2, ensure_ascii=False, default=str) + "\n",
                encoding="utf-8",
            )
        return path

    @classmethod
    def load(cls, model_dir: Path = DEFAULT_MODEL_DIR) -> Classifier:
        path = Path(model_dir) / MODEL_FILE
        untrusted = sio.get_untrusted_types(file=path)
        bad = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
        if bad:
            raise ValueError(f"refusing to load {path}: unexpected types {bad}")
        obj = sio.load(path, trusted=untrusted)
        return cls(
            word=obj["word"],
            char=obj["char"],
            models=obj["models"],
            thresholds={k: float(v) for k, v in obj["thresholds"].items()},
            version=str(obj["version"]),
            extra_names=tuple(obj["extra_names"]),
        )


def new_vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, strip_accents="unicode",
        token_pattern=r"(?u)\b\w[\w']*\b|[#@]\w+|[!?]+", max_features=40000,
    )
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True,
        strip_accents="unicode", max_features=60000,
    )
    return word, char


def new_label_model(c: float) -> CalibratedClassifierCV:
    base = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear")
    return CalibratedClassifierCV(base, method="sigmoid", cv=5, ensemble=False)
