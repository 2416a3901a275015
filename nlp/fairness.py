"""Counterfactual fairness check: only the group term changes, the polarising score must not.

The set lives in nlp/corpus/fairness/: templates with a {G} slot (each marked with whether the
text is polarising) and the group terms to swap in. Not part of training or the test split."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from nlp.api import Enricher

FAIRNESS_DIR = Path(__file__).resolve().parent / "corpus" / "fairness"
# Largest allowed spread (max − min) of p(polarising) across group swaps of one template.
TOLERANCE = 0.05


@dataclass(slots=True)
class TemplateGap:
    template: str
    gold_polarising: bool
    p_min: float
    p_max: float
    gap: float
    flags_agree: bool

    @property
    def holds(self) -> bool:
        """The counterfactual bar: the group moves the probability by at most TOLERANCE and
        never changes the flag."""
        return self.gap <= TOLERANCE and self.flags_agree


MAIN_SET = "counterfactual.jsonl"
GROUPS = "groups.json"
# Every identity group of the guidelines (the augmentation's 58, nlp/corpus/aug_src/slots.txt).
# The set's own 14 are all named by the topic cue; across all 58 the cue (23 of them) and three
# group words the mask does not know still tell groups apart until a retrain (MODEL_CARD, Fairness).
GUIDELINE_GROUPS = "groups_guideline.json"
# Group words inside quotes: read with the name until a retrained model masks them
# (nlp/MODEL_CARD.md, "Limits"); kept apart so that the main set's bar stays a test.
QUOTED_SET = "counterfactual_quoted.jsonl"


def load_set(fairness_dir: Path = FAIRNESS_DIR, name: str = MAIN_SET,
             groups_file: str = GROUPS) -> tuple[list[dict], list[str]]:
    lines = (fairness_dir / name).read_text(encoding="utf-8").splitlines()
    templates = [json.loads(line) for line in lines if line.strip()]
    groups = json.loads((fairness_dir / groups_file).read_text(encoding="utf-8"))
    return templates, groups


def counterfactual_gaps(enricher: Enricher, fairness_dir: Path = FAIRNESS_DIR,
                        name: str = MAIN_SET, groups_file: str = GROUPS) -> list[TemplateGap]:
    templates, groups = load_set(fairness_dir, name, groups_file)
    out: list[TemplateGap] = []
    for t in templates:
        texts = [t["template"].replace("{G}", g) for g in groups]
        enr = enricher.enrich(texts)
        ps = [e.labels["polarising"].p for e in enr]
        flags = {e.labels["polarising"].flag for e in enr}
        out.append(TemplateGap(t["template"], bool(t["polarising"]), min(ps), max(ps),
                               round(max(ps) - min(ps), 4), len(flags) == 1))
    return out


def summary(gaps: list[TemplateGap]) -> dict:
    return {
        "tolerance": TOLERANCE,
        "max_gap": max(g.gap for g in gaps),
        "templates": len(gaps),
        "flags_agree": sum(g.flags_agree for g in gaps),
        "accuracy_on_templates": round(
            sum(((g.p_min + g.p_max) / 2 >= 0.5) == g.gold_polarising for g in gaps) / len(gaps),
            4),
        "detail": [asdict(g) for g in gaps],
    }
