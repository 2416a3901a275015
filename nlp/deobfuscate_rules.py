"""De-obfuscation rules on one word: "leet" (digits and symbols for letters), "repeat" (runs of
three or more equal letters) and "split" (a target or hostile word run together with another
word). Each rule edits a list of `Piece`s, so the way back to the original characters is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import product

from nlp.deobfuscate_words import (
    RUN_TOGETHER_OBJECTS,
    STREET_SUFFIXES,
    THREAT_SUBJECTS,
    Vocabulary,
)

LEET: dict[str, str] = {
    "0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t",
    "@": "a", "$": "s", "€": "e", "|": "il", "8": "b", "9": "g", "!": "i",
}
# Only rewritten when that gives a known word: "a|b", "€5", "foo$bar", "ja!nee", "a8" and "h9"
# are common.
NEED_KNOWN = frozenset("|$€!89")
# Never a letter at the edge of a word: "Top!", "8uur", "9e".
INNER_ONLY = frozenset("!89")
LEET_CLASS = "[" + re.escape("".join(LEET)) + "]"
LETTER = r"[^\W\d_]"
# Digits that never stand for a letter here: a token with one ("d66", "b2b") is a code.
_NON_LEET_DIGITS = frozenset("26")
_ROMAN_RE = re.compile(r"[IVXLCDM]+")
REPEAT_RE = re.compile(rf"({LETTER})\1{{2,}}")

# (char, orig_start, orig_end) triples: the unit every rule edits, so offsets come for free.
Piece = tuple[str, int, int]



def _leet_variants(chars: list[Piece], vocab: Vocabulary) -> tuple[list[Piece], bool] | None:
    """The word with leet characters replaced, and whether the result is a known word.
    None when the word has no leet characters or must not be touched."""
    text = "".join(c for c, _, _ in chars)
    idx = [i for i, (c, _, _) in enumerate(chars) if c in LEET]
    if not idx:
        return None
    letters = [i for i, (c, _, _) in enumerate(chars) if c.isalpha()]
    if not letters or any(c in _NON_LEET_DIGITS for c in text):
        return None
    upper = all(chars[i][0].isupper() for i in letters)
    options = [LEET[chars[i][0]] for i in idx]
    # Only the ambiguous characters multiply; cap the work for long digit strings.
    n_variants = 1
    for o in options:
        n_variants *= len(o)
    combos: Iterable[tuple[str, ...]] = product(*options) if n_variants <= 16 else [
        tuple(o[0] for o in options)]
    variants: list[tuple[list[Piece], str]] = []
    for combo in combos:
        out = list(chars)
        for i, rep in zip(idx, combo, strict=True):
            c, s, e = chars[i]
            out[i] = (rep.upper() if upper else rep, s, e)
        word = "".join(c for c, _, _ in out).lower()
        if _is_known_form(word, vocab):
            return out, True
        variants.append((out, word))
    default = variants[0][0]
    first, last = letters[0], letters[-1]
    # Any other Dutch word, where the disguise is plain: three letters or more, a leet character
    # between two of them, and "!", 8 and 9 only there ("bl0t3", "3lk44r", "ni€t"; "7uur", "8uur",
    # "A1" and "4u" stay as written).
    if (vocab.dictionary is not None and len(letters) >= 2 and len(chars) >= 4
            and any(first < i < last for i in idx)
            and all(first < i < last for i in idx if chars[i][0] in INNER_ONLY)):
        for out, word in variants:
            if word in vocab.dictionary.known:
                return out, True
    # No known word: only digits and "@" strictly inside a lower-case word are safe to read as
    # letters ("k4nk3r"); "14u", "mp3", "A1", "@gemeente" and "covid19" stay as written.
    safe = (
        len(letters) >= 3
        and any(chars[i][0].islower() for i in letters)
        and all(first < i < last and chars[i][0] not in NEED_KNOWN for i in idx)
        # Nothing but letters and leet characters in between ("h0m0's" needs a known word).
        and all(chars[i][0].isalpha() or chars[i][0] in LEET for i in range(first, last + 1))
    )
    return (default, False) if safe else None


# A masked letter: "*" between letters ("k*nker", "m*sl*ms"). Each star stands for one vowel;
# the rewrite needs a known word, because stars also mark emphasis and footnotes.
MASK = "*"
_MASK_VOWELS = "aeiou"
_MAX_MASKS = 3


def unmask(chars: list[Piece], vocab: Vocabulary) -> list[Piece] | None:
    """The word with each star read as the vowel that makes it a known word, or None."""
    idx = [i for i, (c, _, _) in enumerate(chars) if c == MASK]
    if not idx or len(idx) > _MAX_MASKS:
        return None
    upper = all(c.isupper() for c, _, _ in chars if c.isalpha())
    for combo in product(_MASK_VOWELS, repeat=len(idx)):
        out = list(chars)
        for i, vowel in zip(idx, combo, strict=True):
            _, s, e = chars[i]
            out[i] = (vowel.upper() if upper else vowel, s, e)
        if _is_known_form("".join(c for c, _, _ in out).lower(), vocab):
            return out
    return None


def _is_word(word: str, vocab: Vocabulary) -> bool:
    """A known word, or known words run together around a key ("moslimsmoeten")."""
    return word in vocab.known or (vocab.may_hold_key(word) and _segment(word, vocab) is not None)


def _is_known_form(word: str, vocab: Vocabulary) -> bool:
    """Known as is, or after collapsing its letter runs (a leet fix and a repeat may meet)."""
    if _is_word(word, vocab):
        return True
    if REPEAT_RE.search(word):
        return any(_is_word(w, vocab) for w in _repeat_forms(word))
    return False


def _repeat_forms(word: str) -> list[str]:
    runs = list(REPEAT_RE.finditer(word))
    if len(runs) > 4:
        return [REPEAT_RE.sub(r"\1\1", word)]
    return [_with_runs(word, runs, keep) for keep in product((1, 2), repeat=len(runs))]


def _with_runs(text: str, runs: list[re.Match[str]], keep: tuple[int, ...]) -> str:
    """`text` with each letter run shortened to its `keep` count of letters."""
    out, pos = [], 0
    for m, k in zip(runs, keep, strict=True):
        out.append(text[pos:m.start()] + m.group(1) * k)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _collapse(chars: list[Piece], vocab: Vocabulary) -> list[Piece] | None:
    """Collapse runs of >= 3 equal letters to the known form (1 or 2 letters), else to 2."""
    text = "".join(c for c, _, _ in chars)
    runs = list(REPEAT_RE.finditer(text))
    if not runs or _ROMAN_RE.fullmatch(text):  # "Willem III" is a name, not shouting
        return None
    keep_choice: tuple[int, ...] = (2,) * len(runs)
    if len(runs) <= 4:
        for keep in product((1, 2), repeat=len(runs)):
            if _is_word(_with_runs(text, runs, keep).lower(), vocab):
                keep_choice = keep
                break
    out_pieces: list[Piece] = []
    pos = 0
    for m, k in zip(runs, keep_choice, strict=True):
        out_pieces += chars[pos:m.start()]
        run = chars[m.start():m.end()]
        # The last kept letter stands for the rest of the run, so a span maps to all of it.
        kept = run[:k]
        c, s, _ = kept[-1]
        kept[-1] = (c, s, run[-1][2])
        out_pieces += kept
        pos = m.end()
    out_pieces += chars[pos:]
    return out_pieces


def _segment(word: str, vocab: Vocabulary, short_end: bool = False) -> list[str] | None:
    """The fewest known words that make up `word`, if one of them is a target or hostile word
    or they start with a threat's subject and violence word ("ik vermoord je").

    Two-letter pieces ("de") may not end the word: "poolen" is not "pool en"; `short_end` allows
    them, for a threat's run-together ("ik steek je")."""
    n = len(word)
    if n < 6 or n > 60 or not word.isalpha():
        return None
    limit = max(vocab.max_len, 2)
    # best[i]: (pieces, -sum of squared lengths) for word[:i]; fewer and longer pieces win.
    best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, 0, [])
    for i in range(1, n + 1):
        for j in range(max(0, i - limit), i - 1):
            prev = best[j]
            piece = word[j:i]
            if prev is None or piece not in vocab.known:
                continue
            if len(piece) == 2 and i == n and not short_end:
                continue
            cand = (prev[0] + 1, prev[1] - len(piece) ** 2, [*prev[2], piece])
            cur = best[i]
            if cur is None or cand[:2] < cur[:2]:
                best[i] = cand
    found = best[n]
    if found is None or found[0] < 2 or found[0] > 4:
        return None
    pieces = found[2]
    if not (any(vocab.is_key(p) and len(p) >= 4 for p in pieces) or vocab.is_threat_head(pieces)):
        return None
    return pieces


def _compound_parts(word: str, vocab: Vocabulary) -> tuple[str, ...] | None:
    """A compound kept whole but worth exposing: a hostile word (>= 4 letters) joined to the
    stem of a target ("asieltuig": asiel- as in asielzoekers). Any other remainder is an
    ordinary compound: "vliegtuig", "voertuig", "vlooienmarkt"."""
    if word in vocab.protected or not word.isalpha():
        return None
    n = len(word)
    for k in range(n - 4, 3, -1):  # longest hostile word first, remainder >= 4 letters
        head, tail = word[:n - k], word[n - k:]
        if tail in vocab.hostile and head in vocab.target_stems:
            return head, tail
        head, tail = word[:k], word[k:]
        if head in vocab.hostile and tail in vocab.target_stems:
            return head, tail
    return None


def _split(chars: list[Piece], vocab: Vocabulary) -> tuple[list[Piece] | None,
                                                          tuple[str, ...] | None]:
    """(word with spaces inserted, None) for a run-together; (None, parts) for a compound."""
    word = "".join(c for c, _, _ in chars).lower()
    if word in vocab.protected or not word.isalpha():
        return None, None
    if word not in vocab.known:
        pieces = _segment(word, vocab)
        if pieces is None and vocab.threat_head(word.encode()):
            pieces = _segment(word, vocab, short_end=True)
            if pieces is not None and not vocab.is_threat_head(pieces):
                pieces = None
        # "Polenweg" is a street and "jodenhaat" a noun (counter-speech names it); "Polenmoetenweg"
        # (three words) is neither.
        if pieces is not None and not (
            len(pieces) == 2 and vocab.is_key(pieces[0])
            and (pieces[1] in STREET_SUFFIXES or pieces[1] == "haat")
        ):
            return _spaced_out(chars, pieces), None
    return None, _compound_parts(word, vocab)


def _spaced_out(chars: list[Piece], pieces: list[str]) -> list[Piece]:
    """The word with a space (an empty original span) between its pieces."""
    out: list[Piece] = []
    pos = 0
    for k, piece in enumerate(pieces):
        if k:
            at = chars[pos][1]
            out.append((" ", at, at))
        out += chars[pos:pos + len(piece)]
        pos += len(piece)
    return out


_MAX_PHRASE = 60
_PRONOUNS = THREAT_SUBJECTS | RUN_TOGETHER_OBJECTS
# Words that never make a compound with a violence word: articles and pronouns.
_CLOSED = _PRONOUNS | {"de", "het", "een"}
# The frequency a pronoun or a vocabulary word counts with when the dictionary lacks it: that
# of a common word.
_VOCABULARY_ZIPF = 5.0


def run_together(word: str, vocab: Vocabulary, title: bool = False) -> list[str] | None:
    """The words of a phrase written as one word ("ikstekjeneer": ik stek je neer), or None.

    Only a string the dictionary does not know as a word, made of three or more common words
    (or the vocabulary's), of which one names someone: a pronoun, which compounds never hold;
    or of two, a violence word and an article or pronoun.
    A subject pronoun counts only as the first piece ("tegenhouwe" is dialect, not "tegen hou
    we"; "konikpaarden" a breed of horse, not "kon ik paarden"), and a final "je" is the
    diminutive ("trapveldje"). Of two readings with as many pieces the longer pieces win ("ik
    weet waar je woont en", not "woon ten"), then the commoner ones. A capitalised (`title`)
    word must start with a subject: "Ikmaakjedood" is a phrase, "Haarlemmerdijk" a street."""
    dictionary = vocab.dictionary
    n = len(word)
    if (dictionary is None or n < 5 or n > _MAX_PHRASE or not word.isalpha()
            or word in vocab.known or word in dictionary.known or word in vocab.protected):
        return None

    def weight(piece: str) -> float | None:
        """The piece's frequency, None for no piece; the vocabulary's words count as common."""
        if piece in dictionary.pieces:
            return dictionary.pieces[piece]
        if piece in _PRONOUNS or (len(piece) >= 2 and piece in vocab.known):
            return _VOCABULARY_ZIPF
        return None

    # best[i]: (pieces, -summed squared lengths, -summed frequency, pieces) for word[:i]:
    # fewer pieces win, then longer ones ("woont en", not "woon ten"), then commoner ones.
    best: list[tuple[int, int, float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, 0, 0.0, [])
    for i in range(2, n + 1):
        for j in range(max(0, i - 30), i - 1):
            prev = best[j]
            if prev is None or (w := weight(word[j:i])) is None:
                continue
            cand = (prev[0] + 1, prev[1] - (i - j) ** 2, prev[2] - w, [*prev[3], word[j:i]])
            cur = best[i]
            if cur is None or cand[:3] < cur[:3]:
                best[i] = cand
    found = best[n]
    if found is None or found[0] < 2:
        return None
    pieces = found[3]
    if pieces[-1] == "je" or (title and pieces[0] not in THREAT_SUBJECTS):
        return None
    if len(pieces) == 2:
        return pieces if _violence_and_article(pieces, vocab) else None
    if not (pieces[0] in THREAT_SUBJECTS or any(p in RUN_TOGETHER_OBJECTS for p in pieces)):
        return None
    return pieces


def _violence_and_article(pieces: list[str], vocab: Vocabulary) -> bool:
    """Two pieces: a violence or hostile word and an article or pronoun ("eenmes", "defik",
    "steekdie"). With any other word a violence word makes ordinary compounds
    ("containerbrand", "sloopkraan"); articles and pronouns make none."""
    first, second = pieces
    return any(len(v) >= 3 and (v in vocab.violence or v in vocab.hostile) and other in _CLOSED
               for v, other in ((first, second), (second, first)))


def join_ok(word: str, sep: str, vocab: Vocabulary) -> bool:
    """Is a run of single letters an obfuscated word? Known words always; otherwise long runs
    only, because "d.w.z.", "i.p.v.", "t.e.a.b." and "P.V.V." are abbreviations."""
    low = word.lower()
    if len(set(low)) == 1:  # "x x x x" are kisses, not a word
        return False
    if low in vocab.known or _segment(low, vocab) is not None:
        return True
    letters = sum(c.isalpha() for c in word)
    return letters >= (5 if sep == "." else 4)


def process_word(chars: list[Piece], vocab: Vocabulary,
                  changes: list[tuple[int, int, str, str]],
                  compounds: list[tuple[int, int, tuple[str, ...]]]) -> list[Piece]:
    """leet → repeat → split on one word; `changes` gets (start, end, replacement, kind)."""
    leet = _leet_variants(chars, vocab)
    if leet is not None:
        new = leet[0]
        for (a, s, e), (b, _, _) in zip(chars, new, strict=True):
            if a != b:
                changes.append((s, e, b, "leet"))
        chars = new
    if REPEAT_RE.search("".join(c for c, _, _ in chars)):
        collapsed = _collapse(chars, vocab)
        if collapsed is not None:
            # A kept letter whose span is wider than one character stands for a collapsed run.
            changes += [(s, e, c, "repeat") for c, s, e in collapsed if e - s > 1]
            chars = collapsed
    word = "".join(c for c, _, _ in chars).lower()
    split: list[Piece] | None = None
    if vocab.may_hold_key(word):
        split, parts = _split(chars, vocab)
        if parts is not None:
            compounds.append((chars[0][1], chars[-1][2], parts))
    title = chars[0][0].isupper() and not all(c.isupper() for c, _, _ in chars if c.isalpha())
    if split is None and (phrase := run_together(word, vocab, title)) is not None:
        split = _spaced_out(chars, phrase)
    if split is not None:
        # Inserted spaces are the pieces with an empty original span.
        changes += [(s, s, " ", "split") for c, s, e in split if s == e]
        chars = split
    return chars
