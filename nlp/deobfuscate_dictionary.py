"""Dutch words by how often they are written (the `wordfreq` package, which carries its data),
for the rule that undoes a whole phrase run together ("ikstekjeneer", "weslachtenze").

The vocabulary of `nlp.deobfuscate_words` knows group terms, hostile and violence words and a few
function words: enough for a target or a violence word run together with its neighbour, not for
"ik blaas dat gemeentehuis op" written as one word. This dictionary knows the other words.
wordfreq's code is Apache-2.0 and its word lists CC BY-SA 4.0; they are read from the installed
package at run time, not copied into this repository.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import marshal
import math
from dataclasses import dataclass
from functools import cache

from nlp.user_cache import CACHE_DIR, write_cached

# A word at least this frequent (Zipf scale: 3 is once per million words) is a word as written,
# never a run-together: 104,000 Dutch words. Rarer strings may be words run together.
KNOWN_ZIPF = 2.0
# A piece of a run-together must be a common word: four letters or more at Zipf 3 (27,500
# words), three letters at Zipf 4 ("rijd", "hou", "mes"; not "ets" or "ink"). Shorter pieces
# must be pronouns or words of the vocabulary.
PIECE_ZIPF = 3.0
SHORT_PIECE_ZIPF = 4.0


@dataclass(frozen=True, slots=True)
class Dictionary:
    """`known`: words written as they are; `pieces`: words a run-together may be made of, with
    their frequency (Zipf), which decides between two ways to read one ("weg is weg", not "we
    gist weg")."""

    known: frozenset[str]
    pieces: dict[str, float]
    source: str


def _share(zipf: float) -> float:
    """A Zipf value as the share of all words that wordfreq gives (Zipf 3: one in a million)."""
    return 10.0 ** (zipf - 9)


def dictionary_from(frequencies: dict[str, float], source: str) -> Dictionary:
    """A dictionary from word frequencies (the share of all words, as wordfreq gives them).
    The thresholds compare shares, so that only the pieces need a logarithm (0.1 s saved on
    each process's first post)."""
    known_at, piece_at, short_at = _share(KNOWN_ZIPF), _share(PIECE_ZIPF), _share(SHORT_PIECE_ZIPF)
    known = frozenset(w for w, f in frequencies.items() if f >= known_at)
    pieces = {w: math.log10(f) + 9 for w, f in frequencies.items()
              if f >= piece_at and w.isalpha() and (len(w) >= 4 or (len(w) == 3 and f >= short_at))}
    return Dictionary(known=known, pieces=pieces, source=source)


def dictionary_id() -> str:
    """What the dictionary is made of; part of a trained model's recipe (nlp.training)."""
    version = importlib.metadata.version("wordfreq")
    return (f"wordfreq {version} nl: known >= {KNOWN_ZIPF}, "
            f"pieces >= {PIECE_ZIPF}/{SHORT_PIECE_ZIPF}")


@cache
def default_dictionary() -> Dictionary:
    """wordfreq's Dutch list as the rules read it, built once per machine into the user cache
    (marshal): importing wordfreq and reading its list took 0.25-0.3 s of every process's first
    post, loading the built sets takes a tenth of that."""
    source = dictionary_id()
    path = CACHE_DIR / f"nl-words-{hashlib.sha256(source.encode()).hexdigest()[:16]}.marshal"
    try:
        known, pieces = marshal.loads(path.read_bytes())
        return Dictionary(known=frozenset(known), pieces=dict(pieces), source=source)
    except (OSError, EOFError, ValueError, TypeError):
        pass  # not built yet, or unreadable: build it again
    import wordfreq

    built = dictionary_from(wordfreq.get_frequency_dict("nl"), source)
    write_cached(path, marshal.dumps((built.known, built.pieces)))
    return built
