"""De-obfuscation read against every Dutch word: whole phrases run together ("ikstekjeneer"),
digits and symbols that give an ordinary word ("bl0t3"), and words closed by "!".

The rule's own tests build the dictionary from explicit frequencies, so that they keep their
meaning when wordfreq's data changes; the last ones read the shipped dictionary and model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nlp.deobfuscate
import nlp.deobfuscate_dictionary
from nlp.api import Enricher, get_enricher
from nlp.deobfuscate import deobfuscate
from nlp.deobfuscate_dictionary import default_dictionary, dictionary_from
from nlp.deobfuscate_rules import run_together
from nlp.deobfuscate_words import SEED_HOSTILE, Vocabulary, default_vocabulary
from tests.nlp.test_deobfuscate import assert_offsets_valid

# Frequencies as shares of all words (Zipf 3 is 1e-6): pieces at Zipf 4-6, "rijd" and "mes"
# common enough as three- and four-letter pieces, "ets" too rare.
COMMON = 1e-4
PIECES = ("stek", "steek", "neer", "blaas", "slachten", "allemaal", "rechter", "krijgt", "mes",
          "gaat", "dood", "morgen", "ophangen", "wethouder", "maak", "woont", "waar", "weet",
          "kom", "veld", "trap", "fiets", "kinder", "klimaat", "drammers", "dijk",
          "lemmer", "hou", "tegen", "kon", "paarden", "dreigt", "container", "kraan")
# "trapveldje" and "kinderfietsje" are unknown here: the diminutive rule must keep them.
WORDS = {**dict.fromkeys(PIECES, COMMON), "gemeentehuis": COMMON, "ets": 1e-8,
         **dict.fromkeys(("blote", "agent", "doen", "eens", "buur", "tuur", "al"), COMMON)}
DICTIONARY = dictionary_from(WORDS, "test")
VOCAB = Vocabulary.build(targets={"asielzoekers", "moslims"}, hostile=SEED_HOSTILE,
                         violence={"mes", "fik", "steek", "brand", "sloop"},
                         dictionary=DICTIONARY)


def clean(text: str, vocab: Vocabulary = VOCAB) -> str:
    return deobfuscate(text, vocab).text


@pytest.mark.parametrize(("written", "read"), [
    ("ikstekjeneer", "ik stek je neer"),
    ("weslachtenze allemaal af", "we slachten ze allemaal af"),
    ("ikblaasdat gemeentehuis op", "ik blaas dat gemeentehuis op"),
    ("dierechterkrijgt een mes", "die rechter krijgt een mes"),
    ("ophangendiewethouder, dat verdient hij", "ophangen die wethouder, dat verdient hij"),
    ('hij stuurde "jegaatdoodmorgen"', 'hij stuurde "je gaat dood morgen"'),
    # Two pieces: a violence word and an article or pronoun.
    ("ik kom met eenmes", "ik kom met een mes"),
    ("die moskee moet in defik", "die moskee moet in de fik"),
    ("ik steekdie scooters in brand", "ik steek die scooters in brand"),
    # At the start of a sentence, in capitals, and closed by exclamation marks.
    ("Ikmaakjedood!", "Ik maak je dood!"),
    ("IKSTEKJENEER!!", "IK STEK JE NEER!!"),
])
def test_a_phrase_run_together_is_read_as_its_words(written: str, read: str) -> None:
    d = deobfuscate(written, VOCAB)
    assert d.text == read
    assert {c[4] for c in d.changes} == {"split"}
    assert_offsets_valid(d)
    # Only spaces were inserted, each an empty span of the original.
    assert d.text.replace(" ", "") == written.replace(" ", "")
    last = read.split()[-1].strip('!"')
    start = d.text.rindex(last)
    ostart, oend = d.to_original(start, start + len(last))
    assert written[ostart:oend] == last


@pytest.mark.parametrize("text", [
    "het gemeentehuis is dicht",  # a word the dictionary knows
    "bij het trapveldje",  # a diminutive: the final "je" is no pronoun
    "een kinderfietsje te koop",
    "de Haarlemmerdijk is afgesloten",  # capitalised and not starting with a subject: a name
    "tegenhouwe aan de grens",  # a subject pronoun counts only as the first piece
    "je ziet de konpaarden",  # no pronoun among the pieces
    "klimaatdrammers",  # a compound without a pronoun
    "dreigtweets",  # "dreigt we ets": "ets" is no common word
    "ikstek",  # two pieces without a violence word
    "een containerbrand en een sloopkraan",  # a violence word with another word: a compound
    "#ikmaakjedood en https://example.org/ikstekjeneer",  # hashtags and links stay
])
def test_ordinary_words_and_names_are_not_split(text: str) -> None:
    assert clean(text) == text


def test_a_capitalised_word_must_start_with_a_subject() -> None:
    assert run_together("haarlemmerdijk", VOCAB) == ["haar", "lemmer", "dijk"]
    assert run_together("haarlemmerdijk", VOCAB, title=True) is None
    assert run_together("ikstekjeneer", VOCAB, title=True) == ["ik", "stek", "je", "neer"]


def test_without_a_dictionary_the_rule_is_off() -> None:
    assert clean("ikstekjeneer", dataclasses.replace(VOCAB, dictionary=None)) == "ikstekjeneer"
    assert run_together("ikstekjeneer", VOCAB) == ["ik", "stek", "je", "neer"]


def test_of_two_readings_the_longer_pieces_win() -> None:
    assert run_together("ikweetwaarjewoont", VOCAB) == ["ik", "weet", "waar", "je", "woont"]


@pytest.mark.parametrize(("text", "words"), [
    ("#ikstekjeneer", "ik stek je neer"),
    ("morgen #IkStekJeNeer!", "ik stek je neer"),
    ("#gemeentehuis en #trapveldje", ""),  # a word, and a diminutive
    ("https://example.org/#ikstekjeneer", ""),  # part of a link
])
def test_a_hashtag_stays_as_written_and_its_words_are_read_too(text: str, words: str) -> None:
    d = deobfuscate(text, VOCAB)
    assert d.text == text
    assert_offsets_valid(d)
    assert d.features_text() == (f"{text} {words}" if words else text)


@pytest.mark.parametrize(("written", "read"), [
    ("P0len!", "Polen!"), ("k4nk3r!!", "kanker!!"), ("f!k!", "fik!"), ("Top!", "Top!"),
])
def test_closing_exclamation_marks_are_punctuation(written: str, read: str) -> None:
    vocab = Vocabulary.build(targets={"polen"}, hostile={"kanker", "fik"})
    assert clean(written, vocab) == read


@pytest.mark.parametrize(("written", "read"), [
    ("met mijn bl0t3 handen", "met mijn blote handen"),  # a digit at the end of the word
    ("die 4g3nt", "die agent"),
    ("pijn d03n", "pijn doen"),  # two letters, four characters
])
def test_digits_may_give_any_dutch_word(written: str, read: str) -> None:
    assert clean(written) == read
    assert clean(written, dataclasses.replace(VOCAB, dictionary=None)) == written


@pytest.mark.parametrize("text", [
    "om 8uur of 7uur",  # "buur" and "tuur" are words, but 8 stands for b only between letters
    "de A1 en 4u",  # too short
    "ook 33ns",  # no digit between two letters
])
def test_times_codes_and_short_words_keep_their_digits(text: str) -> None:
    assert clean(text) == text


PHRASES = st.lists(st.sampled_from(
    ["ik", "je", "we", "ze", "die", "stek", "neer", "mes", "dood", "trapveldje", "!", "Ik", "IK",
     "gemeentehuis", "x", "7", "'s"]), min_size=1, max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(PHRASES, max_size=4).map(" ".join))
def test_offsets_stay_valid_and_reading_twice_changes_nothing(text: str) -> None:
    d = deobfuscate(text, VOCAB)
    assert_offsets_valid(d)
    assert (d.text == text) == (not d.changes)
    assert all(text[start:end] == original for start, end, original, *_ in d.changes)
    assert clean(d.text) == d.text


def test_the_word_list_is_built_once_and_read_back_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp.deobfuscate_dictionary, "CACHE_DIR", tmp_path)
    default_dictionary.cache_clear()
    try:
        built = default_dictionary()
        (cached,) = tmp_path.glob("nl-words-*.marshal")
        default_dictionary.cache_clear()
        assert default_dictionary() == built
        cached.write_bytes(b"half a file")  # unreadable: built again, not an error
        default_dictionary.cache_clear()
        assert default_dictionary() == built
    finally:
        default_dictionary.cache_clear()


def test_the_shipped_dictionary_is_wordfreqs_dutch() -> None:
    dictionary = default_vocabulary().dictionary
    assert dictionary is not None and dictionary.source.startswith("wordfreq")
    assert {"gemeentehuis", "fietsje", "wijkagent", "vermoorden"} <= dictionary.known
    assert deobfuscate("ikblaasjehuisop").text == "ik blaas je huis op"


# Threats written as one word, which the served model missed before the rule read them.
RUN_TOGETHER_THREATS = ["ikstekjeneer morgen", "ikschietjullieallemaalneer", "wijmakenjullieaf",
                        "ikblaasjehuisop", "jijgaateraan"]


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return get_enricher()


def test_the_model_reads_a_threat_run_together_as_a_threat(
        enricher: Enricher, monkeypatch: pytest.MonkeyPatch) -> None:
    flagged = [r.labels["threat"].flag for r in enricher.enrich(RUN_TOGETHER_THREATS)]
    assert all(flagged)
    without = dataclasses.replace(default_vocabulary(), dictionary=None)
    monkeypatch.setattr(nlp.deobfuscate, "default_vocabulary", lambda: without)
    flagged = [r.labels["threat"].flag for r in enricher.enrich(RUN_TOGETHER_THREATS)]
    assert not any(flagged)


@pytest.mark.parametrize(("text", "written"), [
    ("ikstekjeneer morgen", "ikstekjeneer"),
    ("die k4nk3r m0sl1ms moeten weg", "k4nk3r"),
])
def test_the_words_that_explain_a_flag_point_at_what_was_written(
        enricher: Enricher, text: str, written: str) -> None:
    """The model reads the de-obfuscated text; the analyst sees the words it weighed highlighted
    where they were written, also inside a disguise."""
    (result,) = enricher.enrich([text])
    at = text.index(written)
    inside = [e for e in result.evidence if e.kind.startswith("term:")
              and at <= e.start < e.end <= at + len(written)]
    assert inside, result.evidence
    assert all(e.text == text[e.start:e.end] for e in result.evidence)


def test_the_model_reads_the_words_of_a_hashtag(
        enricher: Enricher, monkeypatch: pytest.MonkeyPatch) -> None:
    (result,) = enricher.enrich(["#ikmaakjedood"])
    assert result.labels["threat"].flag
    monkeypatch.setattr(nlp.deobfuscate, "_hashtag_words", lambda text, vocab: [])
    (result,) = enricher.enrich(["#ikmaakjedood"])
    assert not result.labels["threat"].flag
