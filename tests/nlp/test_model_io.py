from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import skops.io as sio

from nlp.model import DEFAULT_MODEL_DIR, METRICS_FILE, MODEL_FILE, Classifier
from nlp.pipeline import analyse
from nlp.types import LABELS

TEXTS = [
    "Zaterdag 14u iedereen naar het Stadhuisplein!",
    "De gemeente moet iets aan de parkeeroverlast doen.",
    "Die wethouder moet hangen",
]


def test_committed_model_is_skops_with_version_and_metrics() -> None:
    path = DEFAULT_MODEL_DIR / MODEL_FILE
    assert path.exists()
    with path.open("rb") as fh:
        assert fh.read(2) == b"PK"  # a skops zip archive, not a pickle
    metrics = json.loads((DEFAULT_MODEL_DIR / METRICS_FILE).read_text())
    clf = Classifier.load()
    assert metrics["version"] == clf.version and clf.version.startswith("nlp-")
    assert set(clf.thresholds) == set(LABELS)
    assert all(0.0 < t < 1.0 for t in clf.thresholds.values())


def test_skops_round_trip(tmp_path) -> None:
    clf = Classifier.load()
    clf.save(tmp_path)
    again = Classifier.load(tmp_path)
    analyses = analyse(TEXTS)
    a, b = clf.predict_proba(clf.matrix(TEXTS, analyses)), again.predict_proba(
        again.matrix(TEXTS, analyses))
    for label in LABELS:
        np.testing.assert_allclose(a[label], b[label])
    assert again.thresholds == clf.thresholds and again.version == clf.version


def test_refuses_unexpected_types(tmp_path) -> None:
    clf = Classifier.load()
    obj = {"word": clf.word, "char": clf.char, "models": clf.models,
           "thresholds": clf.thresholds, "version": clf.version,
           "extra_names": Fraction(1, 3)}
    sio.dump(obj, tmp_path / MODEL_FILE)
    with pytest.raises(ValueError, match="refusing"):
        Classifier.load(tmp_path)
