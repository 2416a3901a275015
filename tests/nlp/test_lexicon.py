"""The curated lexicon (nlp/data/lexicon.tsv) loads and is well-formed."""

from __future__ import annotations

from collections import Counter

from nlp.lexicon import CATEGORIES, LEXICON_TSV, read_lexicon

# The group keys documented in nlp/data/LEXICON.md (the identity groups of the guidelines).
GROUP_KEYS = {
    "ethnicity", "origin", "skin_colour", "religion", "migration", "sex_gender",
    "sexual_orientation", "gender_identity", "disability", "political_camp",
}


def _entries():
    return read_lexicon(LEXICON_TSV)


def test_loads_with_version():
    version, entries = _entries()
    assert version.isdigit() and int(version) >= 1
    assert len(entries) >= 250


def test_every_category_has_entries():
    counts = Counter(e.category for e in _entries()[1])
    assert all(counts[c] > 0 for c in CATEGORIES), counts


def test_no_duplicates():
    counts = Counter(e.term for e in _entries()[1])
    assert [t for t, n in counts.items() if n > 1] == []


def test_every_slur_has_a_target():
    assert [e.term for e in _entries()[1] if e.category == "slur" and e.target == "-"] == []


def test_targets_are_known_group_keys():
    targets = {e.target for e in _entries()[1]}
    assert targets <= GROUP_KEYS | {"-"}, targets - GROUP_KEYS - {"-"}


def test_phrases_have_spaces_and_words_do_not():
    for e in _entries()[1]:
        assert (" " in e.term) == (e.form == "phrase"), e.term
        assert e.term == e.term.strip().lower()
