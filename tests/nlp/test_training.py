"""Training end to end on a small fixture slice of the corpus (fast), including the challenger
flow."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from nlp.corpus import assign_splits, by_split, load_corpus, text_key
from nlp.model import METRICS_FILE, MODEL_FILE, Classifier
from nlp.model_files import PROBES_FILE
from nlp.pipeline import analyse
from nlp.provenance import ROOT
from nlp.shipping_rule import model_probes, recorded_probes
from nlp.training import corrections_to_posts, fit, retrain_with_corrections
from nlp.types import LABELS


@pytest.fixture
def small(nlp_corpus: Path, nlp_model: Path) -> tuple[Path, Path]:
    """The fixture corpus (tests/fixtures/nlp_corpus) and the model trained on it once per
    session (tests/conftest.py)."""
    return nlp_corpus, nlp_model


@pytest.mark.slow
def test_train_writes_model_metrics_and_splits(small: tuple[Path, Path]) -> None:
    corpus, model = small
    assert (model / MODEL_FILE).exists()
    metrics = json.loads((model / METRICS_FILE).read_text())
    clf = Classifier.load(model)
    assert metrics["version"] == clf.version
    assert set(metrics["thresholds"]) == set(LABELS)
    assert set(metrics["test"]["labels"]) == set(LABELS)
    splits = json.loads((corpus / "splits.json").read_text())
    posts = load_corpus(corpus)
    assert splits == assign_splits(posts)
    test_hashes = {text_key(p.text) for p in by_split(posts, splits)["test"]}
    assert not test_hashes & set(metrics["train_text_hashes"])
    # The checkout that trained it, as git names it (the suite runs in one).
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    assert metrics["code"]["path"] == str(ROOT) and metrics["code"]["commit"] == head


@pytest.mark.slow
def test_skops_round_trip(small: tuple[Path, Path], tmp_path: Path) -> None:
    clf = Classifier.load(small[1])
    clf.save(tmp_path)
    again = Classifier.load(tmp_path)
    texts = ["Zaterdag 14u iedereen naar het Stadhuisplein!",
             "De gemeente moet iets aan de parkeeroverlast doen.", "Die wethouder moet hangen"]
    analyses = analyse(texts)
    a = clf.predict_proba(clf.matrix(texts, analyses), texts, analyses)
    b = again.predict_proba(again.matrix(texts, analyses), texts, analyses)
    for label in LABELS:
        np.testing.assert_allclose(a[label], b[label])
    assert again.thresholds == clf.thresholds and again.version == clf.version


def test_fixed_c_is_kept_instead_of_chosen(nlp_corpus: Path) -> None:
    # Stage 1 alone: choosing C is the same code for both stages, and no embedding is needed.
    corpus = load_corpus(nlp_corpus)
    posts = by_split(corpus, assign_splits(corpus))["train"]
    chosen = fit(posts, "v", c_grid=(0.01, 128.0), cascade=False)[1]["c"]["stage1"]
    # The opposite end of the grid for every label: what the cross-validation did not choose.
    fixed = {label: 0.01 if c == 128.0 else 128.0 for label, c in chosen.items()}
    clf, info = fit(posts, "v", c_grid=(0.01, 128.0), cascade=False, fixed_c={"stage1": fixed})
    assert info["c"]["stage1"] == fixed
    assert {label: model.C for label, model in clf.models.items()} == fixed


def test_corrections_format() -> None:
    posts = corrections_to_posts([
        {"id": "7", "text": "a", "labels": {"threat": True}},
        {"text": "b", "label": "polarising", "value": False},
    ])
    assert posts[0].labels == {"call_to_gathering": False, "anti_government": False,
                               "polarising": False, "threat": True}
    assert posts[1].labels["polarising"] is False
    with pytest.raises(ValueError, match="unknown"):
        corrections_to_posts([{"text": "c", "labels": {"spam": True}}])


@pytest.mark.slow
def test_retrain_with_corrections_compares_on_frozen_test(
    small: tuple[Path, Path], nlp_c_grid: tuple[float, ...], tmp_path: Path
) -> None:
    corpus, model = small
    posts = load_corpus(corpus)
    test_post = by_split(posts, assign_splits(posts))["test"][0]
    corrections = [
        {"id": "c1", "text": "Vanavond iedereen naar het Stadhuisplein, laat je zien!",
         "labels": {"call_to_gathering": True}},
        {"id": "c2", "text": "Gisteren stonden er 30 mensen bij het stadhuis.", "labels": {}},
        # A correction of a test post must not be trained on: the test split is frozen.
        {"id": "c3", "text": test_post.text, "labels": {"threat": True}},
    ]
    before = (model / MODEL_FILE).read_bytes()
    result = retrain_with_corrections(corrections, corpus, model, tmp_path / "challenger",
                                      c_grid=nlp_c_grid)
    assert result.n_corrections_used == 2
    assert set(result.champion) == set(result.challenger) == set(LABELS)
    not_worse = all(result.challenger[k]["f1"] >= result.champion[k]["f1"] for k in LABELS)
    assert result.promote is (not result.reasons)
    assert not_worse or any(r["check"] == "frozen_f1" for r in result.reasons)
    assert result.promoted is False
    assert (model / MODEL_FILE).read_bytes() == before  # nothing promoted without asking
    challenger = json.loads((tmp_path / "challenger" / METRICS_FILE).read_text())
    assert text_key(test_post.text) not in challenger["train_text_hashes"]


@pytest.mark.parametrize("words", ["FUNCTION_WORDS", "PROTECTED_WORDS", "THREAT_SUBJECTS"])
def test_the_version_changes_with_the_normalisers_word_lists(
        monkeypatch: pytest.MonkeyPatch, nlp_corpus: Path, words: str) -> None:
    """Two models that read text differently must not share a version (models 39 and 41 did)."""
    import nlp.training

    posts = load_corpus(nlp_corpus)
    before = nlp.training._version(posts, (8.0,), None)
    monkeypatch.setattr(nlp.training, words, getattr(nlp.training, words) | {"nieuwwoord"})
    assert nlp.training._version(posts, (8.0,), None) != before


@pytest.mark.slow
def test_a_promoted_retrain_records_its_probes_for_the_next(
    nlp_corpus: Path, nlp_model: Path, nlp_c_grid: tuple[float, ...], tmp_path: Path
) -> None:
    # Retrained on the same corpus with no corrections, the challenger is the champion again:
    # nothing is lost, so it is promoted, and its probes become the next retrain's baseline.
    champion = tmp_path / "champion"
    shutil.copytree(nlp_model, champion)
    (champion / PROBES_FILE).unlink(missing_ok=True)
    result = retrain_with_corrections([], nlp_corpus, champion, tmp_path / "challenger",
                                      promote_if_better=True, c_grid=nlp_c_grid)
    assert result.reasons == []
    assert result.promoted
    assert recorded_probes(champion) == model_probes(champion)


def test_provenance_outside_a_checkout_says_so(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    import nlp.provenance

    monkeypatch.setattr(nlp.provenance, "ROOT", tmp_path)  # no .git here
    code = nlp.provenance.code_provenance()
    assert code == {"path": str(tmp_path), "commit": None, "dirty": None}
    assert nlp.provenance.describe(code) == f"{tmp_path} @ no git checkout"
