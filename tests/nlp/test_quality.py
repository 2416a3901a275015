"""Quality bars of the committed model on the held-out test split (issue 4), each its own test.
See nlp/MODEL_CARD.md for the figures and the known weaknesses."""

from __future__ import annotations

import json

import pytest

from nlp.evaluation import EvalReport, evaluate
from nlp.model_files import DEFAULT_MODEL_DIR
from nlp.probes import probe_figures, score_probes
from nlp.shipping_rule import (
    FROZEN_F1,
    FROZEN_F1_DROP,
    FROZEN_FALSE_ALARMS,
    GATE_RECALL_MIN,
    REAL_REGISTER_MAX_SHARE,
    recorded_probes,
)

F1_BARS = {
    "call_to_gathering": 0.85,
    "anti_government": 0.80,
    "polarising": 0.80,
    "threat": 0.80,
}


@pytest.fixture(scope="module")
def report() -> EvalReport:
    return evaluate()


@pytest.mark.parametrize("label", list(F1_BARS))
def test_f1_bar(report: EvalReport, label: str) -> None:
    assert report.labels[label]["f1"] >= F1_BARS[label]


def test_hard_negative_false_alarms(report: EvalReport) -> None:
    assert report.hard_negative_false_alarms["_all"]["n"] >= 50
    assert report.hard_negative_false_alarms["_all"]["rate"] <= 0.10


def test_in_almere_accuracy(report: EvalReport) -> None:
    assert report.in_almere_accuracy >= 0.90


def test_clearly_above_keyword_baseline(report: EvalReport) -> None:
    for label, scores in report.labels.items():
        assert scores["f1"] >= report.baseline_labels[label]["f1"] + 0.15, label
    assert (report.hard_negative_false_alarms["_all"]["rate"]
            < report.baseline_false_alarms["_all"]["rate"])


def test_documented_figures_are_the_committed_models(report: EvalReport) -> None:
    """The README and model card quote metrics.json; it must describe the model on disk."""
    recorded = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text())["test"]
    assert recorded["model_version"] == report.model_version
    for label, scores in report.labels.items():
        assert scores["f1"] == pytest.approx(recorded["labels"][label]["f1"], abs=1e-3), label
    assert report.hard_negative_false_alarms["_all"]["rate"] == pytest.approx(
        recorded["hard_negative_false_alarms"]["_all"]["rate"], abs=1e-3
    )
    assert report.real_register["flagged"] == recorded["real_register"]["flagged"]


# Issue 12's bars, from the shipping rule that every retrained model must pass as well.
@pytest.mark.parametrize("label", list(FROZEN_F1))
def test_frozen_test_split_holds(report: EvalReport, label: str) -> None:
    assert report.frozen["n"] >= 559
    assert report.frozen["labels"][label]["f1"] >= FROZEN_F1[label] - FROZEN_F1_DROP


def test_frozen_false_alarms_hold(report: EvalReport) -> None:
    assert report.frozen["false_alarms"]["_all"]["rate"] <= FROZEN_FALSE_ALARMS


def test_the_embedding_stage_sees_nearly_every_positive_post(report: EvalReport) -> None:
    """Issue 12: the gate to the sentence embedding passes at least 98% of the positive posts."""
    assert report.gate_recall >= GATE_RECALL_MIN


def test_the_recorded_probe_figures_are_the_shipped_models(enricher) -> None:
    """The shipping rule compares a candidate's probes with these: they must be this model's."""
    recorded = recorded_probes(DEFAULT_MODEL_DIR)
    live = probe_figures(score_probes(enricher))
    assert recorded.keys() == live.keys()
    for name, figure in live.items():
        assert recorded[name].mean_p == pytest.approx(figure.mean_p, abs=1e-3), name
        assert recorded[name].wrong == figure.wrong, name


def test_real_register_held_out_is_rarely_flagged(report: EvalReport) -> None:
    """Municipal policy, press releases, local news, neighbourhood apps, event announcements: the
    registers the system reads most must not flood the queue (issue 12: at most 1%). Model 54
    flags 1 of 173, a news report on a firebomb thrown at an alderman's house (nlp/MODEL_CARD.md);
    test_documented_figures_are_the_committed_models holds the count itself."""
    assert report.real_register["n"] >= 80
    assert report.real_register["flagged_share"] <= REAL_REGISTER_MAX_SHARE


def test_demo_bus_window_threat_is_a_threat_not_a_call(enricher) -> None:
    """The demo's buurtapp post threatens property; nobody is called to gather."""
    from signals.demo import bus_window_text

    enrichment = enricher.enrich([bus_window_text()])[0]
    assert enrichment.labels["threat"].flag
    assert not enrichment.labels["call_to_gathering"].flag


def test_explanations_name_content_words_not_stopwords(enricher) -> None:
    from spacy.lang.nl.stop_words import STOP_WORDS

    texts = ["Die asielzoekers zijn tuig, ze moeten allemaal terug waar ze vandaan komen.",
             "Vanavond 20:00 iedereen naar het Stadhuisplein, laat zien dat we het zat zijn!",
             "Die wethouder moet hangen, we weten waar hij woont."]
    for enrichment in enricher.enrich(texts):
        assert enrichment.explanations, enrichment.labels
        for terms in enrichment.explanations.values():
            for name, _ in terms:
                if name.startswith("w:"):
                    assert not all(w in STOP_WORDS for w in name[2:].split()), name
