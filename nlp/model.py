"""The label classifier, a cascade.

Stage 1 (every post): word and character n-grams of the de-obfuscated text plus cue and lexicon
features, one logistic regression per label. The screen (candidates only, see
`Classifier.candidates`): the same features plus the sentence embedding of an encoder distilled
from e5 (nlp/e5_student.py), half e5's cost. Stage 2 (candidates the screen passes): the same
features plus e5's own sentence embedding (nlp.embedding). Each is one logistic regression per
label, its scores calibrated with Platt scaling fitted on out-of-fold scores; a decision
threshold per label applies to the final probability. A model without a screen sends every
candidate to stage 2. Stored with skops (no pickle).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.lang.nl.stop_words import STOP_WORDS

from nlp.embedding import EMBEDDER_ID, SCREEN_EMBEDDER_ID, embed
from nlp.features import EXTRA_FEATURES, FEATURE_REVISION, extra_vector, normalise
from nlp.model_files import DEFAULT_MODEL_DIR, METRICS_FILE, MODEL_FILE
from nlp.pipeline import Analysis
from nlp.placeholders import NEGATED_PREFIX, UNINFORMATIVE
from nlp.types import LABELS

# The explanation entry for the embedding's share of a stage-2 score.
EMBEDDING_TERM = "e5:zinsbetekenis"

# Only these types may be instantiated when loading a model file; anything else is refused.
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.", "builtins.")


def platt(scores: np.ndarray, a: float, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(a * scores + b)))


@dataclass(slots=True)
class Classifier:
    word: TfidfVectorizer
    char: TfidfVectorizer
    models: dict[str, LogisticRegression]
    calibration: dict[str, tuple[float, float]]
    thresholds: dict[str, float]
    version: str
    dense_models: dict[str, LogisticRegression] = field(default_factory=dict)
    dense_calibration: dict[str, tuple[float, float]] = field(default_factory=dict)
    gate: float = 1.0
    emb_weight: float = 0.0
    embedder: str = EMBEDDER_ID
    screen_models: dict[str, LogisticRegression] = field(default_factory=dict)
    screen_calibration: dict[str, tuple[float, float]] = field(default_factory=dict)
    # A candidate whose top screen probability is below this never reaches e5.
    screen_gate: float = 0.0
    screen_embedder: str = SCREEN_EMBEDDER_ID
    extra_names: tuple[str, ...] = EXTRA_FEATURES
    # The normalisation the vectorisers were fitted on (nlp.features.FEATURE_REVISION): the same
    # words mean other features under another one ("geen tuig" is "geen n_tuig" since 10).
    feature_revision: int = FEATURE_REVISION
    _names: np.ndarray | None = field(default=None, repr=False)

    # -- features -------------------------------------------------------------------------------
    def matrix(self, texts: Sequence[str], analyses: Sequence[Analysis]) -> sp.csr_matrix:
        if (tuple(self.extra_names) != EXTRA_FEATURES or self.embedder != EMBEDDER_ID
                or self.feature_revision != FEATURE_REVISION
                or (self.screen_models and self.screen_embedder != SCREEN_EMBEDDER_ID)):
            raise ValueError(
                f"model {self.version} was trained with other cue features, another "
                "normalisation or another embedder; retrain it (`signals train`)"
            )
        norm = [normalise(t, a) for t, a in zip(texts, analyses, strict=True)]
        extra = np.vstack([extra_vector(a) for a in analyses]) if analyses else np.zeros(
            (0, len(self.extra_names)))
        return stage1_features(self.word, self.char, norm, extra)

    def dense_matrix(self, x: sp.csr_matrix, texts: Sequence[str],
                     student: bool = False) -> sp.csr_matrix:
        """Stage-2 input (the screen's with `student`): the stage-1 features and the sentence
        embeddings of `texts`."""
        return dense_features(x, embed(texts, student=student), self.emb_weight)

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

    # -- inference ------------------------------------------------------------------------------
    def stage1(self, x: sp.csr_matrix) -> dict[str, np.ndarray]:
        return _scores(self.models, self.calibration, x)

    def candidates(self, p1: dict[str, np.ndarray]) -> np.ndarray:
        """Rows that get the costly second stage: those whose top stage-1 probability reaches
        the gate."""
        if not self.dense_models:
            return np.zeros(0, dtype=int)
        return np.flatnonzero(top_probability(p1) >= self.gate)

    def screen(self, x: sp.csr_matrix, analyses: Sequence[Analysis], cand: np.ndarray,
               probs: dict[str, np.ndarray]) -> np.ndarray:
        """The candidates the screen passes on to e5. The screen's probabilities replace the
        stage-1 ones in `probs` for every candidate: those it keeps back end there."""
        if not self.screen_models or not cand.size:
            return cand
        p3 = self._rescore(x, analyses, cand, probs, student=True)
        return cand[top_probability(p3) >= self.screen_gate]

    def predict(
        self, x: sp.csr_matrix, texts: Sequence[str], analyses: Sequence[Analysis]
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Final probabilities per label, and the rows that stage 2 scored."""
        probs = self.stage1(x)
        cand = self.screen(x, analyses, self.candidates(probs), probs)
        if cand.size:
            self._rescore(x, analyses, cand, probs, student=False)
        return probs, cand

    def _rescore(self, x: sp.csr_matrix, analyses: Sequence[Analysis], rows: np.ndarray,
                 probs: dict[str, np.ndarray], student: bool) -> dict[str, np.ndarray]:
        """Score `rows` with the screen's models (`student`) or stage 2's, write the
        probabilities into `probs` and return them."""
        models, calibration = ((self.screen_models, self.screen_calibration) if student
                               else (self.dense_models, self.dense_calibration))
        embedded = [analyses[i].semantic_text for i in rows]
        scored = _scores(models, calibration,
                         self.dense_matrix(x[rows], embedded, student=student))
        for label in LABELS:
            probs[label][rows] = scored[label]
        return scored

    def predict_proba(
        self, x: sp.csr_matrix, texts: Sequence[str], analyses: Sequence[Analysis]
    ) -> dict[str, np.ndarray]:
        return self.predict(x, texts, analyses)[0]

    def explain(
        self, x_row: sp.csr_matrix, label: str, text: str | None = None, k: int = 6
    ) -> list[tuple[str, float]]:
        """Strongest positive contributions (coefficient × feature value) for one row: of stage 2
        when `text` is given (what the embedding reads, `Analysis.semantic_text`; pass it only
        for rows stage 2 scored), else of stage 1. Words and cues first: they are what an analyst
        can check in the text; the embedding's share is one entry, EMBEDDING_TERM."""
        n = x_row.shape[1]
        if text is not None and self.dense_models:
            coef = self.dense_models[label].coef_[0]
            row = self.dense_matrix(x_row, [text])
            dense_part = float(row[:, n:].toarray()[0] @ coef[n:])
        else:
            coef, row, dense_part = self.models[label].coef_[0], x_row, 0.0
        names = self.feature_names
        idx = row.indices[row.indices < n]
        contrib = row[:, idx].toarray()[0] * coef[idx]
        order = np.argsort(-contrib)
        readable: list[tuple[str, float]] = []
        chars: list[tuple[str, float]] = []
        for j in order:
            if contrib[j] <= 0:
                break
            name = names[idx[j]]
            if not explainable(name):
                continue
            item = (name, round(float(contrib[j]), 4))
            (chars if name.startswith("c:") else readable).append(item)
        if dense_part > 0:
            readable.append((EMBEDDING_TERM, round(dense_part, 4)))
            readable.sort(key=lambda t: -t[1])
        # Character n-grams ("c:sna") mean nothing to an analyst: only when no word or cue
        # explains the score are they shown at all.
        return readable[:k] if readable else chars[:k]

    # -- persistence ----------------------------------------------------------------------------
    def save(self, model_dir: Path, metrics: dict | None = None) -> Path:
        model_dir.mkdir(parents=True, exist_ok=True)
        obj = {
            "word": _without_vocabulary(self.word),
            "char": _without_vocabulary(self.char),
            "word_terms": _terms(self.word),
            "char_terms": _terms(self.char),
            "models": self.models,
            "calibration": {k: list(v) for k, v in self.calibration.items()},
            "dense_models": self.dense_models,
            "dense_calibration": {k: list(v) for k, v in self.dense_calibration.items()},
            "gate": self.gate,
            "emb_weight": self.emb_weight,
            "embedder": self.embedder,
            "screen_models": self.screen_models,
            "screen_calibration": {k: list(v) for k, v in self.screen_calibration.items()},
            "screen_gate": self.screen_gate,
            "screen_embedder": self.screen_embedder,
            "thresholds": self.thresholds,
            "version": self.version,
            "extra_names": list(self.extra_names),
            "feature_revision": self.feature_revision,
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
        # Models before 2026-12-05 had a second, higher gate for posts without a label cue; every
        # model since has one gate for all posts, and files of that time still write both.
        if float(obj.get("gate_uncued", obj["gate"])) != float(obj["gate"]):
            raise ValueError(f"model {obj['version']} has a gate per cue; retrain it "
                             "(`signals train`)")
        return cls(
            word=_with_vocabulary(obj["word"], obj["word_terms"]),
            char=_with_vocabulary(obj["char"], obj["char_terms"]),
            models=obj["models"],
            calibration=_pairs(obj["calibration"]),
            dense_models=obj["dense_models"],
            dense_calibration=_pairs(obj["dense_calibration"]),
            gate=float(obj["gate"]),
            emb_weight=float(obj["emb_weight"]),
            embedder=str(obj["embedder"]),
            # Models before 2026-12-07 have no screen: every candidate goes to e5.
            screen_models=obj.get("screen_models", {}),
            screen_calibration=_pairs(obj.get("screen_calibration", {})),
            screen_gate=float(obj.get("screen_gate", 0.0)),
            screen_embedder=str(obj.get("screen_embedder", SCREEN_EMBEDDER_ID)),
            thresholds={k: float(v) for k, v in obj["thresholds"].items()},
            version=str(obj["version"]),
            extra_names=tuple(obj["extra_names"]),
            # Files written before the revision was stored were all fitted on revision 9.
            feature_revision=int(obj.get("feature_revision", 9)),
        )


# skops writes every numpy scalar as an entry of its own: the 40,000 vocabulary indices made
# loading the model take 5 s. The vocabulary is stored as one string of terms in index order
# (TF-IDF terms never contain a newline) and rebuilt on load in milliseconds.
def _terms(vectorizer: TfidfVectorizer) -> str:
    return "\n".join(sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__))


def _without_vocabulary(vectorizer: TfidfVectorizer) -> TfidfVectorizer:
    stored = copy.copy(vectorizer)
    stored.vocabulary_ = {}
    return stored


def _with_vocabulary(vectorizer: TfidfVectorizer, terms: str) -> TfidfVectorizer:
    vectorizer.vocabulary_ = {t: i for i, t in enumerate(terms.split("\n"))}
    return vectorizer


def _pairs(d: dict) -> dict[str, tuple[float, float]]:
    return {k: (float(v[0]), float(v[1])) for k, v in d.items()}


def _scores(models: dict[str, LogisticRegression], calibration: dict[str, tuple[float, float]],
            x: sp.csr_matrix) -> dict[str, np.ndarray]:
    return {label: platt(models[label].decision_function(x), *calibration[label])
            for label in LABELS}


def top_probability(p1: dict[str, np.ndarray]) -> np.ndarray:
    """Each post's highest stage-1 probability over the labels: what the gate compares."""
    return np.max(np.vstack([p1[k] for k in LABELS]), axis=0)


def stage1_features(
    word: TfidfVectorizer, char: TfidfVectorizer, norm: Sequence[str], extra: np.ndarray
) -> sp.csr_matrix:
    """Stage-1 input: word and character TF-IDF of the normalised texts, then the cue features."""
    return sp.hstack([word.transform(norm), char.transform(norm), sp.csr_matrix(extra)],
                     format="csr")


# Words an analyst learns nothing from: a flag explained by "die", "als", "we" is no explanation.
_STOPWORDS = frozenset(STOP_WORDS) | UNINFORMATIVE


def explainable(name: str) -> bool:
    """Whether a feature can stand in an explanation: no stopwords, no lone punctuation."""
    if name.startswith("w:"):
        # A word under a negation ("n_tuig") was not said as written: it explains nothing.
        words = [w for w in name[2:].split() if not w.startswith(NEGATED_PREFIX)]
        return any(w not in _STOPWORDS and len(w.strip("!?#@'")) > 1 for w in words)
    if name.startswith("c:"):
        core = name[2:].strip()
        return len(core) >= 3 and core not in _STOPWORDS
    return True


def dense_features(x: sp.csr_matrix, embeddings: np.ndarray, weight: float) -> sp.csr_matrix:
    """Stage-2 input: the stage-1 features with the (weighted) sentence embedding appended."""
    return sp.hstack([x, sp.csr_matrix(embeddings * weight)], format="csr")


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


def new_label_model(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear")
