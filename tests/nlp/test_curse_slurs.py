"""A curse word written before a group's name is a slur, whichever group follows (nlp/cues.py;
nlp/MODEL_CARD.md, the fifty-second look)."""

from __future__ import annotations

import pytest

from nlp.features import normalise
from nlp.group_terms import GROUP_TERMS
from nlp.pipeline import analyse
from nlp.placeholders import GROUP_TOKEN


def _kinds(text: str) -> dict[str, int]:
    analysis = analyse([text])[0]
    for ev in analysis.cues:
        assert text[ev.start:ev.end] == ev.text
    return dict(analysis.cue_counts)


@pytest.mark.parametrize("curse", ["kanker", "kut", "tering", "tyfus"])
def test_a_curse_before_any_group_is_a_slur(curse: str) -> None:
    # Every group term in one batch, as analyse() takes them. A term that de-obfuscation
    # rewrites is no longer the group's name ("eritreeers" → "eritreers", "bbb" → "bb"; feature
    # revision 20 keeps them as written, nlp/candidates/README.md): it cannot be matched here.
    texts = [f"die {curse} {term} weer" for term in GROUP_TERMS]
    analyses = analyse(texts)
    kept = [(t, a) for term, t, a in zip(GROUP_TERMS, texts, analyses, strict=True)
            if term in (a.clean.text if a.clean else a.text)]
    assert len(kept) >= len(GROUP_TERMS) - 3
    assert not [t for t, a in kept if a.cue_counts.get("lex_slur") != 1]


def test_a_curse_before_a_group_of_several_words_is_a_slur() -> None:
    assert _kinds("die kut mensen met een beperking")["lex_slur"] == 1


@pytest.mark.parametrize("text", [
    "wat een kut opmerking over homo's",  # the curse is about the remark
    "kanker is een rotziekte, ook voor vluchtelingen",
    "tering, wat een file vandaag",
])
def test_a_curse_not_before_a_group_is_no_slur(text: str) -> None:
    assert "lex_slur" not in _kinds(text)


@pytest.mark.parametrize("term", ["lhbt'ers", "lhbtq'ers", "lhbtiq'ers", "lhbt", "lhbtq"])
def test_every_spelling_of_lhbti_is_masked_as_a_group(term: str) -> None:
    text = f"de {term} in onze wijk"
    norm = normalise(text, analyse([text])[0])
    assert term not in norm
    assert GROUP_TOKEN in norm
