"""De-obfuscation of violence words (issue 12, "4. Normalisation"): threats disguise the short
words the rules do not otherwise trust ("m3s", "st€€k", "sl@", "k0p"), and run them together
with the small words around them ("iksteekje"). With the default
vocabulary those become readable, the characters map back to what was written, and ordinary text
that shares their letters stays as written."""

from __future__ import annotations

import gzip
import re

import pytest

from nlp.deobfuscate import deobfuscate
from nlp.deobfuscate_words import (
    VIOLENCE_WORDS,
    Vocabulary,
    default_vocabulary,
    load_dutch_words,
)


@pytest.mark.parametrize(("written", "read"), [
    ("ik m3s je straks", "ik mes je straks"),        # a digit in a three-letter word
    ("ik st€€k je kapot", "ik steek je kapot"),      # a symbol that needs a known word
    ("ik sl@ je dood", "ik sla je dood"),            # a symbol at the end of the word
    ("kogel door je k0p", "kogel door je kop"),      # two letters around the digit
    ("we f1kken je huis", "we fikken je huis"),
    ("ik sch1et je neer", "ik schiet je neer"),
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
    assert vocab.words >= VIOLENCE_WORDS
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


@pytest.mark.parametrize(("written", "read"), [
    ("iksteekje neer", "ik steek je neer"),               # "ik steekje" is as likely
    ("Ikvermoordje", "Ik vermoord je"),                   # capitals kept
    ("wefikkendat azc af", "we fikken dat azc af"),       # a violence word rarer than the rest
    ("ikmaakjeaf", "ik maak je af"),                      # a particle ends it
    ("die verdient een kogeldoor de kop", "die verdient een kogel door de kop"),
    ("jegaatdood, tel je dagen", "je gaat dood, tel je dagen"),
    ("k0geld00r je kop", "kogel door je kop"),            # leet first, then the split
])
def test_a_violence_word_run_together_with_small_words_is_split(written: str, read: str) -> None:
    d = deobfuscate(written, default_vocabulary())
    assert d.text == read
    for start, end, original, replacement, kind in d.changes:
        if kind == "split":
            # An inserted space is an empty span between two written letters.
            assert (start, end, original, replacement) == (start, start, "", " ")
            assert written[start - 1].isalpha() and written[start].isalpha()
    # Every word of the reading points at the letters it was written with.
    for m in re.finditer(r"[^\s,]+", d.text):
        original = written[slice(*d.to_original(*m.span()))]
        assert original.translate(str.maketrans("0", "o")) == m.group(0)


@pytest.mark.parametrize("text", [
    "gasaansluitingen worden vervangen",      # "en" is a plural ending, not a word
    "hij intrapte de deur",                   # no closed-class word plus violence word reading
    "vuurwerkbommen in de wijk",              # two content words: a compound
    "sloopkraan bij het station",
    "steekproef onder bewoners",              # a known word
    "de schietvereniging opent zaterdag",
])
def test_compounds_and_known_words_are_not_joined_splits(text: str) -> None:
    assert deobfuscate(text, default_vocabulary()).text == text


def test_the_joined_rule_needs_the_word_list() -> None:
    # A vocabulary without the Dutch word list (a broken file, a test's own lists) leaves
    # run-together words as written rather than guessing.
    vocab = default_vocabulary()
    bare = Vocabulary(targets=vocab.targets, hostile=vocab.hostile, words=vocab.words,
                      violence=vocab.violence)
    assert len(vocab.dictionary) > 100_000
    assert deobfuscate("iksteekje neer", bare).text == "iksteekje neer"


def test_a_broken_word_list_is_a_clear_error(tmp_path) -> None:
    broken = tmp_path / "words.tsv.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises((OSError, EOFError)):
        load_dutch_words(broken)
    odd = tmp_path / "odd.tsv.gz"
    odd.write_bytes(gzip.compress(b"# header\nik\t7.1\nje\n"))
    with pytest.raises(ValueError):
        load_dutch_words(odd)


@pytest.mark.parametrize(("written", "read"), [
    ("die 4g3nt moet weg", "die agent moet weg"),          # a word no rule list holds
    ("p0l1t13 moeten we pijn d03n", "politie moeten we pijn doen"),
    ("moet $t3n3n krijgen", "moet stenen krijgen"),        # a symbol, trusted for a known word
    ("j1j g@@t 3r@@n", "jij gaat eraan"),                  # at the start of a word too
])
def test_leet_is_read_when_it_gives_a_frequent_dutch_word(written: str, read: str) -> None:
    assert deobfuscate(written, default_vocabulary()).text == read


@pytest.mark.parametrize("text", ["A1 afrit dicht", "bel 0612345678", "@gemeente1 kom op",
                                  "zaal B4 om 14u", "m3 is te klein"])
def test_codes_that_would_give_short_words_stay(text: str) -> None:
    assert deobfuscate(text, default_vocabulary()).text == text
