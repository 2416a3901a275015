"""The shipping rule (nlp/shipping_rule.py): when a retrained model may replace the shipped one.
Its two steps on figures made for the purpose, and the probes recorded for a trained model."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from nlp.fairness import TOLERANCE as FAIRNESS_TOLERANCE
from nlp.fairness import TemplateGap
from nlp.probes import ProbeFigure, families
from nlp.shipping_rule import (
    CV_F1_TOLERANCE,
    FROZEN_F1,
    PROBE_DRIFT_LIMIT,
    PROBE_TOLERANCE,
    Finding,
    check_held_out,
    check_preconditions,
    held_out_failures,
    precondition_failures,
    record_probes,
    recorded_probes,
    shortfall,
    weekly_promotion_failures,
)
from nlp.training import promote_model
from nlp.vocabulary import LABELS

SHIPPED = {"cv": {**{label: {"f1": 0.85} for label in LABELS}, "_false_alarms": {"rate": 0.05}}}
PROBES = {f.name: ProbeFigure(0.9 if f.want else 0.2, 2) for f in families()}


def _moved(name: str, step: float, wrong: int | None = None) -> dict[str, ProbeFigure]:
    """PROBES with one family's mean moved the wrong way by `step` and `wrong` sentences
    read wrongly (as recorded when None)."""
    family = next(f for f in families() if f.name == name)
    old = PROBES[name]
    mean = old.mean_p - step if family.want else old.mean_p + step
    return {**PROBES, name: ProbeFigure(round(mean, 4), old.wrong if wrong is None else wrong)}


def test_a_candidate_like_the_shipped_model_may_be_read() -> None:
    assert precondition_failures(SHIPPED, SHIPPED, PROBES, PROBES) == []


def test_cross_validated_f1_and_false_alarms_bound_the_candidate() -> None:
    worse = copy.deepcopy(SHIPPED)
    worse["cv"]["threat"]["f1"] -= CV_F1_TOLERANCE + 0.001
    worse["cv"]["_false_alarms"]["rate"] += 0.003
    failures = precondition_failures(worse, SHIPPED, PROBES, PROBES)
    assert len(failures) == 2
    assert "threat" in failures[0] and "false alarms" in failures[1]


@pytest.mark.parametrize("name", ["negated hostility", "hostility with a negation"])
def test_a_probe_family_drifting_the_wrong_way_stops_the_reading(name: str) -> None:
    step = PROBE_TOLERANCE + 0.005
    worse = _moved(name, step, wrong=3)
    assert [name in f for f in precondition_failures(SHIPPED, SHIPPED, worse, PROBES)] == [True]
    assert precondition_failures(SHIPPED, SHIPPED, _moved(name, -step, wrong=1), PROBES) == []


@pytest.mark.parametrize("name", ["negated hostility", "hostility with a negation"])
def test_a_drift_that_reads_no_sentence_worse_stops_only_past_the_limit(name: str) -> None:
    """Retraining drifts by a few hundredths (models 57-65); that alone stops no candidate, a
    sentence read worse with it does, and so does a drift past the limit."""
    within = _moved(name, PROBE_TOLERANCE + 0.005)
    assert precondition_failures(SHIPPED, SHIPPED, within, PROBES) == []
    assert precondition_failures(SHIPPED, SHIPPED, _moved(name, PROBE_DRIFT_LIMIT + 0.005),
                                 PROBES) != []


def test_a_file_of_means_only_is_still_read_and_compared_on_its_means(tmp_path: Path) -> None:
    """probes.json before 2026-12-07 held one mean per family; a model directory from then
    keeps working, judged by the mean alone as it was."""
    (tmp_path / "probes.json").write_text(json.dumps({k: v.mean_p for k, v in PROBES.items()}),
                                          encoding="utf-8")
    old = recorded_probes(tmp_path)
    assert old == {k: ProbeFigure(v.mean_p) for k, v in PROBES.items()}
    name = "negated hostility"
    assert precondition_failures(SHIPPED, SHIPPED, _moved(name, PROBE_TOLERANCE + 0.005),
                                 old) != []
    record_probes(tmp_path, PROBES)
    assert recorded_probes(tmp_path) == PROBES


def test_without_recorded_probes_nothing_is_read() -> None:
    assert len(precondition_failures(SHIPPED, SHIPPED, PROBES, {})) == len(families())


F1 = {label: 0.85 for label in LABELS}


def test_the_weekly_retrain_is_held_to_the_frozen_f1_and_the_preconditions() -> None:
    assert weekly_promotion_failures(F1, F1, SHIPPED, SHIPPED, PROBES, PROBES) == []
    lower = {**F1, "threat": 0.84}
    assert weekly_promotion_failures(F1, lower, SHIPPED, SHIPPED, PROBES, PROBES) == [
        Finding("frozen_f1", "threat", 0.84, 0.85)]
    # As good on the test split, but a mended weakness is back (model 60 and fireworks).
    name = "fireworks chatter"
    back = _moved(name, PROBE_TOLERANCE + 0.005, wrong=3)
    (finding,) = weekly_promotion_failures(F1, F1, SHIPPED, SHIPPED, back, PROBES)
    assert (finding.check, finding.subject) == ("probe", name)
    assert str(finding).startswith(f"probe {name!r}: mean p 0.215 against 0.200, 0.015 the "
                                   "wrong way, 3 sentences read wrongly against 2")


def _functional(rates: dict[str, tuple[bool, float, float]]) -> dict:
    return {"n_below_bar": sum(not (r >= b if pos else r <= b) for pos, r, b in rates.values()),
            "gate_recall": 0.99,
            "functionalities": {k: {"positive": pos, "rate": r, "bar": b}
                                for k, (pos, r, b) in rates.items()}}


SHIPPED_SUITE = _functional({"pol_slur": (True, 0.76, 0.85), "pol_negation": (False, 0.33, 0.10),
                             "thr_plain": (True, 0.95, 0.80)})
REPORT = {"frozen": {"labels": {label: {"f1": f1} for label, f1 in FROZEN_F1.items()},
                     "false_alarms": {"_all": {"rate": 0.05}}},
          "gate_recall": 0.99, "real_register": {"n": 173, "flagged": 1, "flagged_share": 0.0058}}


def test_shortfall_sums_the_distance_to_each_bar() -> None:
    assert shortfall(SHIPPED_SUITE) == pytest.approx(0.09 + 0.23)


def test_fewer_unmet_bars_or_a_smaller_shortfall_ships() -> None:
    fewer = _functional({"pol_slur": (True, 0.86, 0.85), "pol_negation": (False, 0.33, 0.10),
                         "thr_plain": (True, 0.95, 0.80)})
    closer = _functional({"pol_slur": (True, 0.80, 0.85), "pol_negation": (False, 0.33, 0.10),
                          "thr_plain": (True, 0.95, 0.80)})
    assert held_out_failures(REPORT, fewer, SHIPPED_SUITE, True) == []
    assert held_out_failures(REPORT, closer, SHIPPED_SUITE, True) == []
    same = held_out_failures(REPORT, SHIPPED_SUITE, SHIPPED_SUITE, True)
    assert len(same) == 1 and "functional suite" in same[0]


def test_a_change_made_for_speed_may_tie_but_not_lose() -> None:
    shipped = {**copy.deepcopy(REPORT),
               "labels": {label: {"f1": 0.85} for label in FROZEN_F1}}
    assert held_out_failures(REPORT | {"labels": shipped["labels"]}, SHIPPED_SUITE,
                             SHIPPED_SUITE, True, shipped) == []
    worse = _functional({"pol_slur": (True, 0.75, 0.85), "pol_negation": (False, 0.33, 0.10),
                         "thr_plain": (True, 0.95, 0.80)})
    lower = {label: {"f1": 0.85 - (0.011 if label == "threat" else 0.0)} for label in FROZEN_F1}
    more = copy.deepcopy(REPORT)
    more["real_register"].update(flagged=2, flagged_share=0.0116)
    for report, suite, reason in (
            (REPORT | {"labels": shipped["labels"]}, worse, "functional suite"),
            (REPORT | {"labels": lower}, SHIPPED_SUITE, "test F1 threat"),
            (more | {"labels": shipped["labels"]}, SHIPPED_SUITE, "2 sentences flagged")):
        failures = held_out_failures(report, suite, SHIPPED_SUITE, True, shipped)
        assert any(reason in f for f in failures), (reason, failures)


@pytest.mark.parametrize(("change", "reason"), [
    (lambda r: r["frozen"]["labels"]["threat"].update(f1=FROZEN_F1["threat"] - 0.021), "threat"),
    (lambda r: r["frozen"]["false_alarms"]["_all"].update(rate=0.077), "frozen false alarms"),
    (lambda r: r.update(gate_recall=0.979), "gate recall on the test split"),
    (lambda r: r["real_register"].update(flagged=2, flagged_share=0.0116), "real register"),
])
def test_each_held_out_bar_stops_a_candidate(change, reason: str) -> None:
    fewer = _functional({"pol_slur": (True, 0.86, 0.85), "pol_negation": (False, 0.33, 0.10),
                         "thr_plain": (True, 0.95, 0.80)})
    report = copy.deepcopy(REPORT)
    change(report)
    failures = held_out_failures(report, fewer, SHIPPED_SUITE, True)
    assert len(failures) == 1 and reason in failures[0]
    assert "bus-window" in held_out_failures(REPORT, fewer, SHIPPED_SUITE, False)[0]


def test_a_trained_model_checked_against_itself(nlp_model: Path, tmp_path: Path) -> None:
    """Probes recorded next to a model, then the same model as its own candidate: nothing
    stops the reading, and held-out data is never read for a candidate that fails."""
    shipped = tmp_path / "shipped"
    shutil.copytree(nlp_model, shipped)
    record_probes(shipped)
    assert set(recorded_probes(shipped)) == {f.name for f in families()}
    assert all(f.wrong is not None for f in recorded_probes(shipped).values())
    check = check_preconditions(nlp_model, shipped)
    assert check.probes == recorded_probes(shipped)
    assert check.preconditions == [] and check.held_out is None and not check.ships

    metrics = json.loads((nlp_model / "metrics.json").read_text(encoding="utf-8"))
    better = copy.deepcopy(metrics)
    for label in LABELS:
        better["cv"][label]["f1"] += 0.2
    check.preconditions = precondition_failures(metrics, better, check.probes, check.probes)
    assert len(check.preconditions) == len(LABELS)
    with pytest.raises(ValueError, match="unread"):
        check_held_out(check, nlp_model, "ik gooi morgen die bus in de fik")


def test_promotion_carries_the_probes_and_never_leaves_stale_ones(
        nlp_model: Path, nlp_corpus: Path, tmp_path: Path) -> None:
    with_probes, without, target = (tmp_path / "candidate", tmp_path / "unrecorded",
                                    tmp_path / "packaged")
    shutil.copytree(nlp_model, with_probes)
    record_probes(with_probes, PROBES)
    promote_model(with_probes, nlp_corpus, target)
    assert recorded_probes(target) == PROBES
    shutil.copytree(nlp_model, without)
    (without / "probes.json").unlink()
    promote_model(without, nlp_corpus, target)  # a model nobody recorded probes for
    assert recorded_probes(target) == {}


def _gap(template: str, gap: float, flags_agree: bool = True) -> TemplateGap:
    return TemplateGap(template, True, 0.5, 0.5 + gap, gap, flags_agree)


def test_a_candidate_that_treats_groups_differently_goes_no_further() -> None:
    fair = [_gap("Al die {G} zijn tuig.", 0.0), _gap("Mijn buren zijn {G}.", FAIRNESS_TOLERANCE)]
    assert precondition_failures(SHIPPED, SHIPPED, PROBES, PROBES, fair) == []
    wide = _gap("Al die {G} zijn tuig.", FAIRNESS_TOLERANCE + 0.01)
    split = _gap("Mijn buren zijn {G}.", 0.01, flags_agree=False)
    findings = weekly_promotion_failures(F1, F1, SHIPPED, SHIPPED, PROBES, PROBES,
                                         [*fair, wide, split])
    assert [(f.check, f.subject) for f in findings] == [
        ("fairness", wide.template), ("fairness", split.template)]
    assert str(findings[0]).startswith("fairness: swapping the group moves p(polarising) by 0.060")
