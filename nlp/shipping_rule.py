"""When a retrained model may replace the shipped one (issue 12), in one place.

Two steps, so that held-out data is read as rarely as possible:
1. `precondition_failures` uses only what training already knows and our own probes:
   - the cross-validated F1 and false alarms in metrics.json;
   - the probes (nlp/probes.py), compared with the figures recorded for the shipped model
     (probes.json), because a model trained for another normalisation refuses to run here. A
     family stops a candidate when its mean probability moves the wrong way by more than
     PROBE_TOLERANCE and more of its sentences are read wrongly, or when the mean moves by more
     than PROBE_DRIFT_LIMIT whatever the sentences do;
   - the fairness counterfactuals (nlp/fairness.py): swapping only the group may not move
     p(polarising) by more than their tolerance or change a flag.
   Only a candidate that passes is scored on held-out data.
2. `held_out_failures` applies the bars of issue 12:
   - the frozen test split;
   - the real-register sentences;
   - the gate's recall;
   - the demo's bus-window threat;
   - the functional suite.
   The candidate must leave fewer functional bars unmet than the shipped model. With as many
   unmet, a smaller summed shortfall decides. A change made for speed (`for_speed`: the same
   model served faster, nlp/MODEL_CARD.md, models 50-54) may tie instead, if no label's test F1
   falls by more than SPEED_F1_DROP and the real register flags no more sentences; that it is
   faster is measured with `benchmarks/bench_classify.py` on the same host and hour.

tests/nlp/test_quality.py holds the shipped model to the same bars. The weekly retrain on the
analysts' corrections (`nlp.training.retrain_with_corrections`) must pass step 1 too, and may not
lose F1 on any label of the frozen test split (`weekly_promotion_failures`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nlp.api import get_enricher
from nlp.evaluation import evaluate
from nlp.fairness import TOLERANCE as FAIRNESS_TOLERANCE
from nlp.fairness import TemplateGap, counterfactual_gaps
from nlp.functional.evaluate import evaluate_functional
from nlp.functional.files import RESULTS_PATH
from nlp.functional.spec import distance_below_bar
from nlp.model_files import DEFAULT_MODEL_DIR, PROBES_FILE, read_metrics
from nlp.probes import ProbeFigure, drift, families, probe_figures, score_probes
from nlp.vocabulary import LABELS

# The frozen test split's F1 for model nlp-20261201-4b5c9957, the last model before the outside
# evaluation. No label may lose more than FROZEN_F1_DROP, and false alarms may not grow.
FROZEN_F1: dict[str, float] = {"call_to_gathering": 0.893, "anti_government": 0.814,
                               "polarising": 0.887, "threat": 0.824}
FROZEN_F1_DROP = 0.02
FROZEN_FALSE_ALARMS = 0.076
REAL_REGISTER_MAX_SHARE = 0.01
GATE_RECALL_MIN = 0.98

# Before held-out data is read. A probe family's mean probability shows drift that counts hide
# (a frame's eight group variants flip together, models 17-19, nlp/MODEL_CARD.md), but a drift
# of a hundredth that reads no sentence worse is what any retraining does: models 57-65 were all
# stopped by such drifts in the families the served rules were written on, sentence by sentence,
# and the weekly retrain with them (2026-12-07, twentieth session). So a drift past the tolerance
# stops a candidate only if more sentences are read wrongly too, and past the limit always.
CV_F1_TOLERANCE = 0.01
CV_FALSE_ALARM_TOLERANCE = 0.002
PROBE_TOLERANCE = 0.01
PROBE_DRIFT_LIMIT = 0.05
# A change made for speed may lose no more test F1 than a retrain on the same data does.
SPEED_F1_DROP = 0.01


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a candidate may not go on: the check, what it checked (a label, or a probe
    family's name), and the candidate's and the shipped model's figures."""

    check: str  # frozen_f1 | cv_f1 | cv_false_alarms | probe | probe_unrecorded | fairness
    subject: str
    candidate: float | None = None
    shipped: float | None = None
    # For a probe family: the sentences each model reads wrongly (None: not recorded).
    candidate_wrong: int | None = None
    shipped_wrong: int | None = None

    def __str__(self) -> str:
        new, old = self.candidate, self.shipped
        if self.check == "frozen_f1":
            return f"frozen test F1 {self.subject} {new:.4f} < {old:.4f}"
        if self.check == "cv_f1":
            return f"cross-validated F1 {self.subject} {new:.4f} < {old:.4f} - {CV_F1_TOLERANCE}"
        if self.check == "cv_false_alarms":
            return (f"cross-validated false alarms {new:.4f} > {old:.4f} + "
                    f"{CV_FALSE_ALARM_TOLERANCE}")
        if self.check == "probe_unrecorded":
            return f"probe {self.subject!r}: nothing recorded for the shipped model"
        if self.check == "fairness":
            return (f"fairness: swapping the group moves p(polarising) by {new:.3f} (tolerance "
                    f"{FAIRNESS_TOLERANCE}) or changes the flag in {self.subject!r}")
        counts = ("" if self.shipped_wrong is None else
                  f", {self.candidate_wrong} sentences read wrongly against {self.shipped_wrong}")
        return (f"probe {self.subject!r}: mean p {new:.3f} against {old:.3f}, "
                f"{abs(new - old):.3f} the wrong way{counts} (tolerance {PROBE_TOLERANCE}, "
                f"limit {PROBE_DRIFT_LIMIT})")


def precondition_findings(candidate: Mapping, shipped: Mapping,
                          candidate_probes: Mapping[str, ProbeFigure],
                          shipped_probes: Mapping[str, ProbeFigure],
                          fairness: Sequence[TemplateGap] = ()) -> list[Finding]:
    """Reasons not to read held-out data for a candidate, from the two models' metrics.json
    ("cv"), probe figures and the candidate's counterfactual gaps; empty when it may be read."""
    findings = [Finding("fairness", gap.template, gap.gap) for gap in fairness if not gap.holds]
    for label in LABELS:
        new, old = candidate["cv"][label]["f1"], shipped["cv"][label]["f1"]
        if new < old - CV_F1_TOLERANCE:
            findings.append(Finding("cv_f1", label, new, old))
    new, old = (m["cv"]["_false_alarms"]["rate"] for m in (candidate, shipped))
    if new > old + CV_FALSE_ALARM_TOLERANCE:
        findings.append(Finding("cv_false_alarms", "_false_alarms", new, old))
    for family in families():
        if family.name not in shipped_probes:
            findings.append(Finding("probe_unrecorded", family.name))
            continue
        new, old = candidate_probes[family.name], shipped_probes[family.name]
        moved = drift(family, new.mean_p, old.mean_p)
        # Without the shipped model's count (recorded before counts were) the mean decides.
        reads_worse = old.wrong is None or (new.wrong or 0) > old.wrong
        if moved > PROBE_DRIFT_LIMIT or (moved > PROBE_TOLERANCE and reads_worse):
            findings.append(Finding("probe", family.name, new.mean_p, old.mean_p, new.wrong,
                                    old.wrong))
    return findings


def precondition_failures(candidate: Mapping, shipped: Mapping,
                          candidate_probes: Mapping[str, ProbeFigure],
                          shipped_probes: Mapping[str, ProbeFigure],
                          fairness: Sequence[TemplateGap] = ()) -> list[str]:
    """`precondition_findings` as the command line prints them."""
    return [str(f) for f in precondition_findings(candidate, shipped, candidate_probes,
                                                  shipped_probes, fairness)]


def weekly_promotion_failures(champion_f1: Mapping[str, float],
                              challenger_f1: Mapping[str, float], challenger: Mapping,
                              champion: Mapping,
                              challenger_probes: Mapping[str, ProbeFigure],
                              champion_probes: Mapping[str, ProbeFigure],
                              fairness: Sequence[TemplateGap] = ()) -> list[Finding]:
    """Reasons not to promote the weekly retrain on the analysts' corrections: a lower F1 on any
    label of the frozen test split, or any precondition a candidate of the team's must pass. A
    retrain relearns every weight, so it can bring back what a served rule mended (model 60
    read fireworks as threats again, nlp/MODEL_CARD.md); the probes catch that before an
    analyst does."""
    lost = [Finding("frozen_f1", label, challenger_f1[label], champion_f1[label])
            for label in LABELS if challenger_f1[label] < champion_f1[label] - 1e-9]
    return lost + precondition_findings(challenger, champion, challenger_probes,
                                        champion_probes, fairness)


def shortfall(functional: Mapping) -> float:
    """The summed distance of every functionality below its bar (results.json's form)."""
    return round(sum(distance_below_bar(f["rate"], f["bar"], f["positive"])
                     for f in functional["functionalities"].values()), 4)


def held_out_failures(report: Mapping, functional: Mapping, shipped_functional: Mapping,
                      bus_window_is_threat: bool,
                      shipped_report: Mapping | None = None) -> list[str]:
    """Reasons not to ship, from the candidate's test report (`EvalReport.to_dict()`) and its
    and the shipped model's functional results; empty when it may replace the shipped model.
    With `shipped_report` (the shipped model's test report), the candidate is a change made for
    speed."""
    failures = []
    for_speed = shipped_report is not None
    if for_speed:
        for label in LABELS:
            new, old = (r["labels"][label]["f1"] for r in (report, shipped_report))
            if new < old - SPEED_F1_DROP:
                failures.append(f"test F1 {label} {new:.3f} < {old:.3f} - {SPEED_F1_DROP}")
        new, old = (r["real_register"]["flagged"] for r in (report, shipped_report))
        if new > old:
            failures.append(f"real register: {new} sentences flagged against {old}")
    for label, old in FROZEN_F1.items():
        new = report["frozen"]["labels"][label]["f1"]
        if new < old - FROZEN_F1_DROP:
            failures.append(f"frozen F1 {label} {new:.3f} < {old - FROZEN_F1_DROP:.3f}")
    rate = report["frozen"]["false_alarms"]["_all"]["rate"]
    if rate > FROZEN_FALSE_ALARMS:
        failures.append(f"frozen false alarms {rate:.3f} > {FROZEN_FALSE_ALARMS}")
    for where, recall in (("test split", report["gate_recall"]),
                          ("functional suite", functional["gate_recall"])):
        if recall is None or recall < GATE_RECALL_MIN:
            failures.append(f"gate recall on the {where} {recall} < {GATE_RECALL_MIN}")
    real = report["real_register"]
    if real["flagged_share"] > REAL_REGISTER_MAX_SHARE:
        failures.append(f"real register: {real['flagged']} of {real['n']} flagged "
                        f"(> {REAL_REGISTER_MAX_SHARE:.0%})")
    if not bus_window_is_threat:
        failures.append("the demo's bus-window post is not a threat only")
    new_unmet, old_unmet = functional["n_below_bar"], shipped_functional["n_below_bar"]
    new_short, old_short = shortfall(functional), shortfall(shipped_functional)
    worse = new_short > old_short if for_speed else new_short >= old_short
    if new_unmet > old_unmet or (new_unmet == old_unmet and worse):
        failures.append(f"functional suite: {new_unmet} bars unmet (shortfall {new_short}) "
                        f"against {old_unmet} ({old_short})")
    return failures


def model_probes(model_dir: Path) -> dict[str, ProbeFigure]:
    """The probe figures of the model in a directory, scored now."""
    return probe_figures(score_probes(get_enricher(Path(model_dir))))


def model_fairness(model_dir: Path) -> list[TemplateGap]:
    """The counterfactual gaps of the model in a directory, scored now."""
    return counterfactual_gaps(get_enricher(Path(model_dir)))


def record_probes(model_dir: Path, probes: Mapping[str, ProbeFigure] | None = None) -> Path:
    """Write the model's probe figures next to it (done for the shipped model on promotion);
    `probes` when they were scored already."""
    path = Path(model_dir) / PROBES_FILE
    figures = dict(probes) if probes is not None else model_probes(model_dir)
    data = {name: {"mean_p": f.mean_p, "wrong": f.wrong} for name, f in figures.items()}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def recorded_probes(model_dir: Path) -> dict[str, ProbeFigure]:
    """The recorded figures; a file of means only (before 2026-12-07) gives no counts."""
    path = Path(model_dir) / PROBES_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: ProbeFigure.from_json(value) for name, value in data.items()}


def probes_of(model_dir: Path) -> dict[str, ProbeFigure]:
    """The recorded probe figures, or scored now for a model directory without them (one seeded
    before the probes were recorded with the model)."""
    recorded = recorded_probes(model_dir)
    if all(f.name in recorded for f in families()):
        return recorded
    return model_probes(model_dir)


@dataclass(slots=True)
class Check:
    candidate: str
    shipped: str
    preconditions: list[str]
    held_out: list[str] | None = None  # None: held-out data was not read
    probes: dict[str, ProbeFigure] = field(default_factory=dict)

    @property
    def ships(self) -> bool:
        return not self.preconditions and self.held_out == []


def check_preconditions(candidate_dir: Path, shipped_dir: Path = DEFAULT_MODEL_DIR) -> Check:
    candidate, shipped = read_metrics(candidate_dir), read_metrics(shipped_dir)
    probes = model_probes(candidate_dir)
    return Check(candidate=candidate["version"], shipped=shipped["version"], probes=probes,
                 preconditions=precondition_failures(candidate, shipped, probes,
                                                     recorded_probes(shipped_dir),
                                                     model_fairness(candidate_dir)))


def check_held_out(check: Check, candidate_dir: Path, bus_window_text: str,
                   for_speed: bool = False, shipped_dir: Path = DEFAULT_MODEL_DIR) -> Check:
    """Score a candidate that met its preconditions on held-out data: the test split, the
    functional suite (against the shipped model's committed results) and the demo's bus-window
    post. Every call is a look at the test split; the model card counts them."""
    if check.preconditions:
        raise ValueError("the preconditions failed: held-out data stays unread")
    report = evaluate(Path(candidate_dir)).to_dict()
    functional = evaluate_functional(Path(candidate_dir)).to_dict()
    shipped_functional = json.loads(RESULTS_PATH.read_text(encoding="utf-8"))
    labels = get_enricher(Path(candidate_dir)).enrich([bus_window_text])[0].labels
    threat_only = labels["threat"].flag and not labels["call_to_gathering"].flag
    shipped_report = read_metrics(shipped_dir)["test"] if for_speed else None
    check.held_out = held_out_failures(report, functional, shipped_functional, threat_only,
                                       shipped_report)
    return check
