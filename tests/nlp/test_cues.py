from __future__ import annotations

import pytest

from nlp.pipeline import analyse


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
