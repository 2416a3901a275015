"""Placeholders are single words to the model: the character n-grams read only what was written
(a post that merely names a group must not score as hostile by the placeholder's spelling)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.features import char_view
from nlp.model import Classifier
from nlp.placeholders import GROUP_TOKEN, PLACE_TOKEN, SLUR_TOKEN


@pytest.mark.parametrize(("norm", "seen"), [
    (f"die {GROUP_TOKEN} van hiernaast", "die   van hiernaast"),
    (f"geen n_{GROUP_TOKEN}, q_{SLUR_TOKEN}!", "geen  ,  !"),      # negated and quoted forms
    (f"in {PLACE_TOKEN} vanavond", "in   vanavond"),
    ("groepstermen en plaatsnamen", "groepstermen en plaatsnamen"),  # words that contain one
])
def test_char_view_drops_placeholders_only(norm: str, seen: str) -> None:
    assert char_view(norm) == seen


def test_a_trained_model_has_no_character_ngram_of_a_placeholder(nlp_model: Path) -> None:
    clf = Classifier.load(nlp_model)
    chars = {n[2:].strip() for n in clf.feature_names if n.startswith("c:")}
    words = {n[2:] for n in clf.feature_names if n.startswith("w:")}
    assert GROUP_TOKEN in words  # the word n-grams still count a named group, once
    # Character n-grams found only inside the placeholders ("groepsterm", "plaatsnaam", …).
    assert not {"oepst", "epste", "pster", "tsnaa", "heldw", "eldwo"} & chars
