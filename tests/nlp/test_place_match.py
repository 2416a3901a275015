"""Issue 17: one fuzzy place matcher (nlp.place_match), used by the NLP's place extraction and
by the register, with its thresholds defined once."""

from __future__ import annotations

import ast
from pathlib import Path

from nlp import place_match
from nlp.gazetteer import fuzzy_lookup
from signals.register.places import canonical_place, same_place

REPO = Path(__file__).resolve().parents[2]
# Scripts that built the corpus files once: they drop near-duplicate *posts* (not places) and
# are not part of the running system.
NOT_PLACE_MATCHING = {
    "nlp/corpus/part_f_src/build_part_f.py",
    "nlp/corpus/part_g_src/build_part_g.py",
    "nlp/corpus/part_h_src/check.py",
}


def _uses_rapidfuzz(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "rapidfuzz" for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "rapidfuzz":
            return True
    return False


def test_only_the_place_matcher_calls_rapidfuzz() -> None:
    users = sorted(
        rel
        for package in ("signals", "nlp", "collectors", "dags")
        for path in (REPO / package).rglob("*.py")
        if _uses_rapidfuzz(path)
        and (rel := str(path.relative_to(REPO))) not in NOT_PLACE_MATCHING
    )
    assert users == ["nlp/place_match.py"]


def test_the_threshold_is_written_once() -> None:
    # A bare similarity number next to a fuzzy call elsewhere would be a second definition.
    for rel in ("nlp/gazetteer.py", "signals/register/places.py"):
        source = (REPO / rel).read_text(encoding="utf-8")
        assert "score_cutoff" not in source and "fuzz." not in source, rel


def test_nlp_and_register_read_the_same_misspelling_the_same_way() -> None:
    assert fuzzy_lookup("Kruidewijk") == "Kruidenwijk"
    assert canonical_place("Kruidewijk") == "Kruidenwijk"
    assert same_place("Kruidenwijk", "Kruidewijk")


def test_the_thresholds_decide(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert place_match.closest_known("kruidewijk", ["kruidenwijk", "esplanade"]) == (
        "kruidenwijk", 0)
    assert place_match.closest_known("kruidewijk", ["esplanade"]) is None
    # The module constants are the thresholds in force: nothing else holds a copy.
    monkeypatch.setattr(place_match, "KNOWN_NAME_CUTOFF", 99)
    assert place_match.closest_known("kruidewijk", ["kruidenwijk"]) is None
    monkeypatch.setattr(place_match, "SAME_PLACE_SIMILARITY", 99)
    assert not place_match.similar_names("kruidenwijk", "kruidewijk")
