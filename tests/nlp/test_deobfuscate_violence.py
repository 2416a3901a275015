"""De-obfuscation of short violence words (issue 12, "4. Normalisation"): threats disguise the
short words the rules do not otherwise trust ("m3s", "st€€k", "sl@", "k0p"). With the default
vocabulary those become readable, the characters map back to what was written, and ordinary text
that shares their letters stays as written."""

from __future__ import annotations

import pytest

from nlp.deobfuscate import deobfuscate
from nlp.deobfuscate_words import VIOLENCE_WORDS, default_vocabulary


@pytest.mark.parametrize(("written", "read"), [
    ("ik m3s je straks", "ik mes je straks"),        # a digit in a three-letter word
    ("ik st€€k je kapot", "ik steek je kapot"),      # a symbol that needs a known word
    ("ik sl@ je dood", "ik sla je dood"),            # a symbol at the end of the word
    ("kogel door je k0p", "kogel door je kop"),      # two letters around the digit
    ("we f1kken je huis", "we fikken je huis"),
    ("ik sch1et je neer", "ik schiet je neer"),
    # "!", 8 and 9 for i, b and g: like a symbol, only where that gives a known word.
    ("die moskee moet in de f!k", "die moskee moet in de fik"),
    ("leg een 80m bij het gemeentehuis", "leg een bom bij het gemeentehuis"),
    ("ik ga hem wur9en", "ik ga hem wurgen"),
    ("ze moeten allemaal v3r94$7 worden", "ze moeten allemaal vergast worden"),
])
def test_short_violence_words_are_read(written: str, read: str) -> None:
    d = deobfuscate(written, default_vocabulary())
    assert d.text == read
    # Every changed character points at the characters that were written in its place.
    assert d.changes
    for start, end, original, replacement, kind in d.changes:
        assert kind == "leet"
        assert written[start:end] == original
        cleaned_start, cleaned_end = d.from_original(start, end)
        assert d.text[cleaned_start:cleaned_end] == replacement
        assert d.to_original(cleaned_start, cleaned_end) == (start, end)


@pytest.mark.parametrize("text", [
    "Bus M3 rijdt vanaf 14u weer", "de k0 van die wedstrijd", "score 3-0 voor Almere City",
    "sla en tomaat bij de AH", "mail naar info@sla.nl", "€5 per kop koffie",
])
def test_ordinary_text_with_the_same_letters_stays(text: str) -> None:
    assert deobfuscate(text, default_vocabulary()).text == text


def test_violence_words_never_split_a_compound() -> None:
    # Known words only, never keys of a split: those would break "steekproef", "slaapkamer".
    vocab = default_vocabulary()
    assert vocab.violence == VIOLENCE_WORDS and vocab.known >= VIOLENCE_WORDS
    for word in ("steekproef", "slaapkamer", "brandweer", "koppeling"):
        assert deobfuscate(word, vocab).text == word


@pytest.mark.parametrize(("written", "read"), [
    ("teringpolen moeten weg", "tering polen moeten weg"),
    ("die kutvrouwen ook altijd", "die kut vrouwen ook altijd"),
    ("tyfusmocros eruit", "tyfus mocros eruit"),
    ("klotejoden", "klote joden"),
])
def test_a_curse_run_together_with_a_group_is_split(written: str, read: str) -> None:
    d = deobfuscate(written, default_vocabulary())
    assert d.text == read
    assert [kind for *_, kind in d.changes] == ["split"]
    start, end = d.from_original(0, len(written))
    assert d.to_original(start, end) == (0, len(written))


@pytest.mark.parametrize("word", ["kutweer", "klotedag", "teringherrie", "kolerezooi"])
def test_a_curse_without_a_group_stays_as_written(word: str) -> None:
    # Curse words are known words, never keys: only a group term on the other side splits.
    assert deobfuscate(word, default_vocabulary()).text == word


@pytest.mark.parametrize("text", [
    "een steekje laten vallen", "kopje koffie?", "een mesje voor de appel", "Wijbrand is jarig",
    "ik overtuig je wel", "de brandweermannen waren er snel", "het vuur uitdoven",
    "bloemen in de voortuig", "zijn keelkanker", "de rattenplaag in Haven",
])
def test_ordinary_words_that_hold_a_subject_or_violence_word_stay(text: str) -> None:
    d = deobfuscate(text, default_vocabulary())
    assert d.text == text
    assert d.compounds == []
