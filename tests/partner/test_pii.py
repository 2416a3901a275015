"""Issue 14 (section 2 and the bar): the personal-data detectors for partner reports.

Every detector on positive and negative examples, the tricky negatives a report about a place
is full of (times, dates, bus lines, squares without a house number, organisations), the
elfproef, exact spans, and the bar on the invented evaluation set: >= 95% of reports with
personal data caught, <= 5% of clean reports flagged."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from signals.partner.pii import (
    ADDRESS,
    EMAIL,
    EXPLANATIONS,
    KINDS,
    NAME,
    PHONE,
    PersonalDataHit,
    elfproef,
    find_personal_data,
)
from signals.partner.pii_eval import REPORTS, evaluate, load_reports


def kinds_in(text: str) -> list[str]:
    return [h.kind for h in find_personal_data(text)]


def found(text: str, kind: str) -> list[str]:
    return [h.text for h in find_personal_data(text) if h.kind == kind]


# --- every detector on its positive and tricky negative cases ----------------------------------

CASES = yaml.safe_load(
    (Path(__file__).parents[1] / "fixtures/partner_reports/pii_cases.yaml").read_text("utf-8"))
FOUND = [(kind, text, span) for kind, cases in CASES.items() for text, span in cases["found"]]
NOT_FOUND = [(kind, text) for kind, cases in CASES.items() for text in cases["not_found"]]


def test_the_cases_cover_every_detector() -> None:
    assert set(CASES) == set(KINDS)
    assert all(cases["found"] and cases["not_found"] for cases in CASES.values())


@pytest.mark.parametrize(("kind", "text", "span"), FOUND)
def test_each_kind_is_found_with_its_exact_span(kind: str, text: str, span: str) -> None:
    spans = found(text, kind)
    # A name may stand next to another one ("Sanne de Boer van ..."); the rest is exactly one.
    assert span in spans if kind == NAME else spans == [span]


@pytest.mark.parametrize(("kind", "text"), NOT_FOUND)
def test_the_tricky_negatives_are_not_that_kind(kind: str, text: str) -> None:
    # Times, dates, bus lines, squares without a house number, organisations, sentence starts.
    assert kind not in kinds_in(text)


# --- BSN: the elfproef ----------------------------------------------------------------------

@pytest.mark.parametrize("number", ["111222333", "123456782", "126855092", "896233790"])
def test_elfproef_accepts_valid_numbers(number: str) -> None:
    assert elfproef(number)


@pytest.mark.parametrize(
    "number", ["123456789", "111222334", "000000000", "12345678", "1234567890", "12345678a"]
)
def test_elfproef_refuses_other_numbers(number: str) -> None:
    assert not elfproef(number)


# --- the result -----------------------------------------------------------------------------

def test_hits_carry_exact_spans_kinds_and_a_dutch_explanation() -> None:
    text = "Bel Kevin van Dijk op 06-12345678 of mail kevin@voorbeeld.nl, hij woont Vaartweg 15."
    hits = find_personal_data(text)
    assert [(h.kind, h.text) for h in hits] == [
        (NAME, "Kevin van Dijk"),
        (PHONE, "06-12345678"),
        (EMAIL, "kevin@voorbeeld.nl"),
        (ADDRESS, "Vaartweg 15"),
    ]
    for hit in hits:
        assert isinstance(hit, PersonalDataHit)
        assert text[hit.start : hit.end] == hit.text
        assert hit.explanation == EXPLANATIONS[hit.kind]
        assert "niet over personen" in hit.explanation
    with pytest.raises(AttributeError):
        hits[0].kind = PHONE  # type: ignore[misc]
    assert EXPLANATIONS[PHONE].startswith("Dit lijkt op een telefoonnummer.")
    assert set(EXPLANATIONS) == set(KINDS)


def test_overlapping_hits_keep_the_more_specific_kind() -> None:
    """An e-mail address holds a name; it is reported once, as an e-mail address."""
    assert [h.kind for h in find_personal_data("Mail Sanne.de.Boer@school.nl.")] == [EMAIL]


def test_empty_and_clean_text() -> None:
    assert find_personal_data("") == []
    assert find_personal_data("Zaterdag om 14.00 uur een demonstratie op de Grote Markt.") == []


# --- the evaluation set and the bar -------------------------------------------------------------

def test_the_evaluation_set_is_sound() -> None:
    rows = load_reports(REPORTS / "reports.jsonl")
    dev = load_reports(REPORTS / "dev.jsonl")
    assert sum(bool(r["pii"]) for r in rows) >= 200
    assert sum(not r["pii"] for r in rows) >= 200
    assert 70 <= len(dev) <= 120
    assert not {r["text"] for r in rows} & {r["text"] for r in dev}, "dev and test overlap"
    assert len({r["id"] for r in rows + dev}) == len(rows) + len(dev)
    for row in rows + dev:
        for span in row["pii"]:
            assert span["kind"] in KINDS
            assert row["text"][span["start"] : span["end"]] == span["text"], row["id"]
    kinds = {s["kind"] for r in rows for s in r["pii"]}
    assert kinds == set(KINDS)


def test_the_bar_on_the_evaluation_set() -> None:
    scores = evaluate(load_reports(REPORTS / "reports.jsonl"))
    print(
        f"caught {scores.caught}/{scores.pii_reports} ({scores.caught_share:.1%}), "
        f"flagged {scores.flagged}/{scores.clean_reports} ({scores.flagged_share:.1%}), "
        f"span recall {scores.span_recall:.1%}; missed {scores.missed_ids}, "
        f"flagged {scores.flagged_ids}"
    )
    assert scores.caught_share >= 0.95, scores.missed_ids
    assert scores.flagged_share <= 0.05, scores.flagged_ids
    assert scores.span_recall >= 0.85
