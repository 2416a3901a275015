from __future__ import annotations

import json
from fractions import Fraction

import pytest
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.model import Classifier
from nlp.model_files import DEFAULT_MODEL_DIR, METRICS_FILE, MODEL_FILE
from nlp.types import LABELS


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


def test_committed_model_is_skops_with_version_and_metrics(clf: Classifier) -> None:
    path = DEFAULT_MODEL_DIR / MODEL_FILE
    assert path.exists()
    with path.open("rb") as fh:
        assert fh.read(2) == b"PK"  # a skops zip archive, not a pickle
    metrics = json.loads((DEFAULT_MODEL_DIR / METRICS_FILE).read_text())
    assert metrics["version"] == clf.version and clf.version.startswith("nlp-")
    assert set(clf.thresholds) == set(LABELS)
    assert all(0.0 < t < 1.0 for t in clf.thresholds.values())


def test_refuses_unexpected_types(tmp_path) -> None:
    # Any type outside sklearn/numpy/scipy/builtins is refused before anything is instantiated.
    obj = {"word": TfidfVectorizer(), "char": TfidfVectorizer(), "models": {},
           "thresholds": {}, "version": "x", "extra_names": Fraction(1, 3)}
    sio.dump(obj, tmp_path / MODEL_FILE)
    with pytest.raises(ValueError, match="refusing"):
        Classifier.load(tmp_path)


def test_a_model_fitted_on_another_normalisation_is_refused(clf: Classifier, tmp_path) -> None:
    # Files written before the revision was stored were fitted on revision 9, before negation
    # scope: their vectorisers would silently read "geen n_tuig" as unknown words.
    from dataclasses import replace

    from nlp.features import FEATURE_REVISION
    from nlp.pipeline import analyse

    assert clf.feature_revision == FEATURE_REVISION
    replace(clf, feature_revision=FEATURE_REVISION - 1).save(tmp_path)
    older = Classifier.load(tmp_path)
    assert older.feature_revision == FEATURE_REVISION - 1
    text = ["Zaterdag 14:00 iedereen naar het Stadhuisplein"]
    with pytest.raises(ValueError, match="another normalisation"):
        older.matrix(text, analyse(text))
    path = tmp_path / MODEL_FILE
    obj = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    del obj["feature_revision"]
    sio.dump(obj, path)
    assert Classifier.load(tmp_path).feature_revision == 9
