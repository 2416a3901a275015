"""Quality bars of the committed model on the held-out test split (issue 4)."""

from __future__ import annotations

import pytest

from nlp.evaluation import EvalReport, evaluate


@pytest.fixture(scope="module")
def report() -> EvalReport:
    return evaluate()


def test_f1_bars(report: EvalReport) -> None:
    assert report.labels["call_to_gathering"]["f1"] >= 0.85
    for label in ("anti_government", "polarising", "threat"):
        assert report.labels[label]["f1"] >= 0.80, label


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
