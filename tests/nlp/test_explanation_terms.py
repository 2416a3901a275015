"""The analyst reads what an explanation's features mean, never the feature codes."""

from __future__ import annotations

import re

import pytest

from nlp.cues import CUE_KINDS
from nlp.explanation_terms import COMBINED_NL, CUE_NL, term_nl
from nlp.features import EXTRA_FEATURES
from nlp.model import EMBEDDING_TERM


def test_every_cue_and_combined_feature_has_a_dutch_reading() -> None:
    assert {f"cue:{k}" for k in CUE_KINDS} <= set(CUE_NL)
    assert {f for f in EXTRA_FEATURES if not f.startswith("cue:")} <= set(COMBINED_NL)


@pytest.mark.parametrize(("name", "reading"), [
    ("w:vanavond", "„vanavond”"),
    ("w:groepsterm moeten", "„[een groep] moeten”"),
    ("w:q_terug", "„terug (geciteerd)”"),
    ("c:fik ", "lettergroep „fik”"),
    ("cue:mobilise", "oproepwoorden"),
    ("x:mobilise_when_where", "oproep met tijd of plaats"),
    (EMBEDDING_TERM, "betekenis van de hele zin"),
])
def test_readings(name: str, reading: str) -> None:
    assert term_nl(name) == reading


def test_no_reading_shows_a_code() -> None:
    names = [f"cue:{k}" for k in CUE_KINDS] + list(EXTRA_FEATURES) + [EMBEDDING_TERM]
    for name in names:
        shown = term_nl(name)
        assert not re.search(r"\b(?:cue|x|e5|w|c):|_", shown), (name, shown)
