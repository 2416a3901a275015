"""The functional suite: its shape, and the committed model's results against the bars.

The classifier is not re-run here (that takes minutes); `signals evaluate --functional
--write` regenerates `nlp/functional/results.json`, and this test fails when that file is
stale or any functionality misses its bar.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from nlp.functional.build import build, render
from nlp.functional.evaluate import STAGES, _lost_at, evaluate_functional, write_results
from nlp.functional.files import CASES_PATH, RESULTS_PATH, cases_sha256, load_cases
from nlp.functional.spec import LABELS, OBFUSCATIONS, meets_bar
from nlp.functional.targets import BY_KEY, CATEGORIES, TARGETS
from nlp.functional.templates import BY_ID, FUNCTIONALITIES
from nlp.types import Enrichment, LabelScore

NLP_DIR = Path(__file__).resolve().parents[2] / "nlp"


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return load_cases()


@pytest.fixture(scope="module")
def results() -> dict:
    assert RESULTS_PATH.exists(), "run `signals evaluate --functional --write`"
    return json.loads(RESULTS_PATH.read_text(encoding="utf-8"))


def test_cases_file_is_the_build_output() -> None:
    assert CASES_PATH.read_text(encoding="utf-8") == render(build()), (
        "cases.jsonl is out of date: run `python -m nlp.functional.build`")


def test_size(cases: list[dict]) -> None:
    assert len(cases) >= 2000
    assert len(FUNCTIONALITIES) >= 30
    per = Counter(c["functionality"] for c in cases)
    assert set(per) == set(BY_ID)
    assert min(per.values()) >= 50, per.most_common()[-3:]


def test_ids_and_texts_are_unique(cases: list[dict]) -> None:
    assert len({c["id"] for c in cases}) == len(cases)
    assert len({c["text"] for c in cases}) == len(cases)
    assert len(BY_ID) == len(FUNCTIONALITIES)
    assert len(BY_KEY) == len(TARGETS)


def test_functionalities_are_described(cases: list[dict]) -> None:
    for f in FUNCTIONALITIES:
        assert f.label in LABELS and f.nl and f.en, f.id
        assert f.expected[f.label] is f.positive
    for label in LABELS:
        kinds = {f.positive for f in FUNCTIONALITIES if f.label == label}
        assert kinds == {True, False}, label
    for c in cases:
        assert c["expected"] == BY_ID[c["functionality"]].expected
        assert c["target"] == "" or c["target"] in BY_KEY


def test_every_identity_category_is_a_target(cases: list[dict]) -> None:
    assert {t.category for t in TARGETS} == set(CATEGORIES)
    hateful = {BY_KEY[c["target"]].category for c in cases
               if c["target"] and c["expected"].get("polarising")}
    contrast = {BY_KEY[c["target"]].category for c in cases
                if c["target"] and c["expected"].get("polarising") is False}
    assert hateful == set(CATEGORIES)
    assert contrast == set(CATEGORIES)
    assert all(t.slurs for t in TARGETS)


_OBFUSCATED = {
    "digits": re.compile(r"[^\W\d][0-9@$€!]|[0-9@$€!][^\W\d]"),
    "spaced": re.compile(r"(?:^|\s)\S([ .]\S){3,}(?:$|\s)"),
    "repeated": re.compile(r"(\w)\1\1"),
}


def test_each_obfuscation_is_present(cases: list[dict]) -> None:
    by = {f.obfuscation: f for f in FUNCTIONALITIES if f.obfuscation}
    assert set(by) == set(OBFUSCATIONS)
    for how, f in by.items():
        texts = [c["text"] for c in cases if c["functionality"] == f.id]
        assert f.positive and f.label == "polarising" and len(texts) >= 50
        if how in _OBFUSCATED:
            assert all(_OBFUSCATED[how].search(t) for t in texts), how
        else:
            words = "|".join(re.escape(w.lower()) for t in TARGETS for w in (t.plural, t.stem))
            glued = re.compile(rf"(?:{words})[a-z]|[a-z](?:{words})")
            assert all(glued.search(t.lower()) for t in texts), how


def test_suite_is_never_used_for_training() -> None:
    for name in ("training.py", "corpus.py"):
        source = (NLP_DIR / name).read_text(encoding="utf-8")
        assert "nlp.functional" not in source and "cases.jsonl" not in source, name


def test_results_are_fresh(results: dict) -> None:
    committed = json.loads((NLP_DIR / "models" / "metrics.json").read_text(encoding="utf-8"))
    assert results["cases_sha256"] == cases_sha256(), (
        "results.json was made on other cases: run `signals evaluate --functional --write`")
    assert results["model_version"] == committed["version"], (
        "results.json is for another model: run `signals evaluate --functional --write`")
    per = Counter(c["functionality"] for c in load_cases())
    assert {k: v["n"] for k, v in results["functionalities"].items()} == dict(per)


class _KeywordStub:
    """Stands in for the classifier: flags `label` when the text holds one of its words."""

    version = "stub-1"
    WORDS = {"polarising": ("haat", "ongedierte"), "threat": ("afmaken", "fik"),
             "call_to_gathering": ("iedereen",), "anti_government": ("tribunaal",)}

    def enrich(self, texts: list[str]) -> list[Enrichment]:
        return [Enrichment(labels={label: LabelScore(0.0, any(w in t for w in words))
                                   for label, words in self.WORDS.items()}, language="nl")
                for t in texts]


def test_evaluation_machinery(cases: list[dict], tmp_path: Path) -> None:
    sample = [next(c for c in cases if c["functionality"] == fid) for fid in BY_ID]
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in sample),
                    encoding="utf-8")
    report = evaluate_functional(_KeywordStub(), cases_path=path)
    assert report.n_cases == len(BY_ID) and report.model_version == "stub-1"
    assert [r.id for r in report.results] == list(BY_ID)
    blunt = next(r for r in report.results if r.id == "pol_blunt_hate")
    assert (blunt.n, blunt.rate, blunt.met) == (1, 1.0, True)
    table = report.table()
    assert table.count("\n| ") == len(BY_ID) + 1 and "| pol_blunt_hate | polarising |" in table
    written = json.loads(write_results(report, tmp_path / "results.json").read_text())
    assert written["cases_sha256"] == cases_sha256(path)
    assert set(written["functionalities"]) == set(BY_ID)


def test_every_miss_of_a_positive_functionality_is_placed_in_the_cascade(results: dict) -> None:
    for fid, row in results["functionalities"].items():
        if not row["positive"]:
            assert row["lost"] == {}, fid
            continue
        assert list(row["lost"]) == list(STAGES), fid
        misses = round(row["n"] * (1 - row["rate"]))
        assert sum(row["lost"].values()) == misses, fid
        # A case the language check set aside is never flagged, so it is a miss lost there.
        assert row["lost"]["language"] == round(row["n"] * row["unsupported"]), fid


def test_where_a_miss_was_lost() -> None:
    assert _lost_at(False, (True, True)) == "language"
    assert _lost_at(True, (False, False)) == "gate"
    assert _lost_at(True, (True, False)) == "screen"
    assert _lost_at(True, (True, True)) == "e5"


# Functionalities the committed model (nlp-20261207-24a838b0) misses, each a strict expected
# failure: the test turns red as soon as a model meets the bar, so this list cannot go stale.
# The figures are in nlp/MODEL_CARD.md ("Op tekst die wij niet schreven").
KNOWN_MISSES = {
    "pol_slur": "slurs outside the lexicon: recall 0.83",
    "pol_negation": "negated hostility: 17% flagged",
    "pol_neutral_mention": "neutral mentions of groups: 10.4% flagged",
    "thr_obfuscated": "obfuscated threats: recall 0.71",
}


@pytest.mark.parametrize("fid", [
    pytest.param(fid, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[fid]))
    if fid in KNOWN_MISSES else fid
    for fid in BY_ID
])
def test_functionality_meets_its_bar(results: dict, fid: str) -> None:
    f = BY_ID[fid]
    row = results["functionalities"][fid]
    assert (row["label"], row["positive"]) == (f.label, f.positive)
    label, positive, rate = f.label, f.positive, float(row["rate"])
    ok = meets_bar(rate, label, positive)
    word = "recall" if positive else "flagged"
    assert ok, f"{fid}: {label} {word} {rate:.2f}, bar {row['bar']:.2f} ({f.en})"


def test_the_embedding_stage_sees_nearly_every_positive_case(results: dict) -> None:
    """Issue 12: the gate to the sentence embedding passes at least 98% of the positive cases."""
    assert results["gate_recall"] >= 0.98
