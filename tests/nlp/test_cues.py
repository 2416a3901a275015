from __future__ import annotations

import pytest

from nlp.features import normalise
from nlp.group_terms import GROUP_TERMS
from nlp.pipeline import analyse
from nlp.placeholders import GROUP_TOKEN


def _cues(text: str, kind: str = "cue:mobilise") -> list[str]:
    a = analyse([text])[0]
    for ev in a.cues:
        assert text[ev.start:ev.end] == ev.text  # offsets index into the original text
    return [ev.text.lower() for ev in a.cues if ev.kind == kind]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Kom naar het Stadhuisplein!", "kom naar"),
        ("iedereen naar de Esplanade zaterdag", "iedereen naar"),
        ("We verzamelen om 8 uur", "we verzamelen"),
        ("verzamelen bij de Citadel", "verzamelen bij"),
        ("vanavond pullen we up bij de Kruidenwijk", "pullen we up"),
        ("pull up bij het Forum", "pull up"),
        ("neem je vlaggen en je buren mee", "neem je vlaggen en je buren mee"),
        ("Laat je zien, zaterdag 14u", "laat je zien"),
        ("Wees erbij!", "wees erbij"),
        ("Zie jullie daar 💪", "zie jullie daar"),
    ],
)
def test_mobilisation_cues(text: str, cue: str) -> None:
    assert cue in _cues(text)


def test_neem_mee_is_one_span() -> None:
    assert _cues("neem stenen mee voor de ramen") == ["neem stenen mee"]


def test_no_mobilisation_cue_in_plain_report() -> None:
    assert _cues("Gisteren stonden er 200 mensen te demonstreren op het Stadhuisplein.") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("we steken alles in de fik", "cue:threat"),
        ("neem stenen mee", "cue:threat"),
        ("Burgemeester is een landverrader, tribunaal!", "cue:anti_gov"),
        ("ze moeten allemaal terug", "cue:polarising"),
        ("Demonstratie tegen het azc, aangemeld bij de gemeente", "cue:announced"),
        ("ga daar niet heen, dit is nep", "cue:warning"),
        ("teken de petitie", "cue:online"),
        ("036 staat op", "cue:almere_tag"),
        ("#almere wakker worden", "cue:almere_tag"),
    ],
)
def test_other_cue_kinds(text: str, kind: str) -> None:
    assert _cues(text, kind)


# A curse word written before a group's name is a slur, whichever group follows
# (nlp/MODEL_CARD.md, the fifty-second look).
@pytest.mark.parametrize("curse", ["kanker", "kut", "tering", "tyfus"])
def test_a_curse_before_any_group_is_a_slur(curse: str) -> None:
    # Every group term in one batch, as analyse() takes them. A term that de-obfuscation
    # rewrites is no longer the group's name ("eritreeers" → "eritreers", "bbb" → "bb"; feature
    # revision 20 keeps them as written, nlp/candidates/README.md): it cannot be matched here.
    texts = [f"die {curse} {term} weer" for term in GROUP_TERMS]
    analyses = analyse(texts)
    kept = [(t, a) for term, t, a in zip(GROUP_TERMS, texts, analyses, strict=True)
            if term in a.semantic_text]
    assert len(kept) >= len(GROUP_TERMS) - 3
    assert not [t for t, a in kept if a.cue_counts.get("lex_slur") != 1]


def test_a_curse_before_a_group_of_several_words_is_a_slur() -> None:
    assert _cues("die kut mensen met een beperking", "cue:lex_slur") == [
        "kut mensen met een beperking"]


@pytest.mark.parametrize("text", [
    "wat een kut opmerking over homo's",  # the curse is about the remark
    "kanker is een rotziekte, ook voor vluchtelingen",
    "tering, wat een file vandaag",
])
def test_a_curse_not_before_a_group_is_no_slur(text: str) -> None:
    assert _cues(text, "cue:lex_slur") == []


@pytest.mark.parametrize("term", ["lhbt'ers", "lhbtq'ers", "lhbtiq'ers", "lhbt", "lhbtq"])
def test_every_spelling_of_lhbti_is_masked_as_a_group(term: str) -> None:
    text = f"de {term} in onze wijk"
    norm = normalise(text, analyse([text])[0])
    assert term not in norm
    assert GROUP_TOKEN in norm
