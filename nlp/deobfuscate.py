"""Undo deliberate obfuscation before feature extraction, keeping a map back to the original.

Posts that want to slip past a keyword filter write "P0len", "a s i e l t u i g", "tuiiiig" or
"moslimsmoeten". ANNOTATION.md (`polarising`) says those count the same as the plain forms, so
the features must see the plain forms. Evidence shown to analysts must still point at what was
actually written, hence every cleaned character carries the span of original characters it came
from.

Four rules, applied in one left-to-right pass:
- "spaced": runs of >= 3 single letters separated by one kind of separator ("k.a.n.k.e.r");
- "leet": digits and symbols standing for letters inside a word ("P0len", "@sielzoekers"), and
  vowels masked with "*" ("k*nker", only where that gives a known word);
- "repeat": runs of >= 3 equal letters ("walgelijjjk");
- "split": a target or hostile word run together with a known word ("kankerturken"), or a
  whole phrase run together ("ikstekjeneer"; `nlp.deobfuscate_rules.run_together`).

The rules are conservative on purpose: a false "fix" of ordinary text (a time, a code, an
abbreviation, a mention) would feed the classifier words nobody wrote. Where a rule is unsure,
a known word from the vocabulary decides; without one, only the safest rewrites happen.

The words the rules trust are in `nlp.deobfuscate_words`, the rules on one word in
`nlp.deobfuscate_rules`; this module finds where they may apply and keeps the offset map.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from nlp.deobfuscate_rules import (
    INNER_ONLY,
    LEET,
    LEET_CLASS,
    LETTER,
    MASK,
    REPEAT_RE,
    Piece,
    join_ok,
    process_word,
    unmask,
)
from nlp.deobfuscate_words import Vocabulary, default_vocabulary

KINDS: tuple[str, ...] = ("leet", "spaced", "repeat", "split")


@dataclass(slots=True)
class Deobfuscated:
    """The cleaned text and how it maps back to the original.

    `starts[i]`/`ends[i]` are the original characters cleaned character i came from: a collapsed
    run maps to the whole run, an inserted space (a split) to an empty span at the boundary."""

    original: str
    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    changes: list[tuple[int, int, str, str, str]] = field(default_factory=list)
    # Compounds kept whole in `text` whose parts are worth a feature ("asieltuig" → asiel, tuig).
    compounds: list[tuple[int, int, tuple[str, ...]]] = field(default_factory=list)

    @property
    def offsets(self) -> Sequence[int]:
        """len(text) + 1 entries, non-decreasing; entry i is where cleaned char i starts in the
        original, the last entry is len(original)."""
        if isinstance(self.starts, range):
            return range(len(self.original) + 1)
        return [*self.starts, len(self.original)]

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A span of the cleaned text as a span of the original text."""
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        ostart = self.starts[start] if start < n else len(self.original)
        if end == start:
            return ostart, ostart
        return ostart, max(ostart, self.ends[end - 1])

    def from_original(self, ostart: int, oend: int) -> tuple[int, int]:
        """A span of the original text as the smallest cleaned span covering what came from it
        (for masking spans found on the original, such as places, in the cleaned text)."""
        if isinstance(self.starts, range):
            return ostart, oend
        start = bisect.bisect_left(self.ends, ostart + 1)
        end = bisect.bisect_left(self.starts, oend)
        return start, max(start, end)

    def features_text(self) -> str:
        """`text`, plus the parts of kept compounds, so that "asieltuig" also counts as "tuig"."""
        if not self.compounds:
            return self.text
        return self.text + " " + " ".join(p for _, _, parts in self.compounds for p in parts)


# ---------------------------------------------------------------------------------------------
# Patterns over a whole text

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|#\w+", re.IGNORECASE)
_HASHTAG_RE = re.compile(r"(?<![\w/])#([^\W\d_]+)(?!\w)")
_TOKEN_RE = re.compile(rf"(?:{LETTER}|\d|{LEET_CLASS})+(?:'{LETTER}+)*")
_UNIT = rf"(?:{LETTER}|{LEET_CLASS})"
# One regex per separator, so "a.b-c" (mixed) is no run; spaces may vary in width because a
# wider gap separates words ("m o s l i m s   w e g").
# A run separated by anything but stars may not touch a star either: "A B  K*M" is a spaced run
# and a masked word, and the masked word is read as a whole (a run ending in its "K" hid it).
_SPACED_RE = re.compile(
    "|".join(rf"(?<![\w@$€|'{star}]){_UNIT}(?:{sep}{_UNIT}){{2,}}(?![\w@$€|'{star}])"
             for sep in (r"[ \t]{1,4}", r"\.", "-", "_", r"\*")
             for star in ("" if sep == r"\*" else "*",))
)
# Letters with stars strictly inside ("k*nker", "m*sl*ms"); "*echt*" and "5*" are no words.
_MASKED_RE = re.compile(rf"(?<![\w*@$€|]){LETTER}+(?:\*+{LETTER}+)+(?![\w*@$€|])")
# The fast path's regexes: plain character sets and one back-reference, no look-arounds.
_LEET_ANY_RE = re.compile(LEET_CLASS)
_REPEAT_ANY_RE = re.compile(r"(.)\1\1", re.DOTALL)
# Separators of spaced letters, and punctuation, become spaces for the fast path's word split.
_FAST_PUNCT = b".-_*,;:!?()[]{}\"'/\\<>=+~^&%#"
_FAST_TABLE = bytes.maketrans(_FAST_PUNCT, b" " * len(_FAST_PUNCT))
_NON_ASCII_PUNCT = "…“”‘’«»–—"
_THREE_ONES = array("I", [1, 1, 1]).tobytes()
# The same split on a str, for finding the fast path's words again in the slow path.
_KEY_SPLIT = str.maketrans(dict.fromkeys(_FAST_PUNCT.decode() + _NON_ASCII_PUNCT, " "))
_WORDS_RE = re.compile(r"\S+")


# ---------------------------------------------------------------------------------------------
# The pass over a text


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _URL_RE.finditer(text)]


def _spaced_words(text: str, m: re.Match[str]) -> list[list[Piece]]:
    """The letters of a spaced run as words; a gap wider than the narrowest one ends a word."""
    units = [(i, text[i]) for i in range(m.start(), m.end())
             if text[i].isalpha() or text[i] in LEET]
    gaps = [units[k + 1][0] - units[k][0] for k in range(len(units) - 1)]
    narrow = min(gaps)
    words: list[list[Piece]] = [[]]
    for k, (i, c) in enumerate(units):
        if k and gaps[k - 1] > narrow:
            words.append([])
        words[-1].append((c, i, i + 1))
    return words


@dataclass(slots=True)
class _Triggers:
    """What the fast path saw; the slow path only scans for these."""

    leet: bool = False
    repeat: bool = False
    spaced: bool = False
    masked: bool = False
    keys: set[str] = field(default_factory=set)

    def any(self) -> bool:
        return self.leet or self.repeat or self.spaced or self.masked or bool(self.keys)


def _triggers(text: str, vocab: Vocabulary) -> _Triggers:
    """The fast path's question: could any rule apply? Cheap string operations only, because
    most posts are ordinary and the classifier's budget is a few hundred microseconds a post
    (a single regex over the text with letter classes and look-arounds costs 10-40 µs)."""
    found = _Triggers()
    if _LEET_ANY_RE.search(text) is not None:
        for m in _LEET_ANY_RE.finditer(text):
            i = m.start()
            before = i > 0 and text[i - 1].isalpha()
            after = i + 1 < len(text) and text[i + 1].isalpha()
            # "!", 8 and 9 only between letters ("f!k"): "Top!" and "8uur" are no disguise.
            if (before and after) or ((before or after) and text[i] not in INNER_ONLY):
                found.leet = True
                break
    found.repeat = _REPEAT_ANY_RE.search(text) is not None
    found.masked = MASK in text and _MASKED_RE.search(text) is not None
    low = text.lower()
    if not low.isascii():
        for ch in _NON_ASCII_PUNCT:
            if ch in low:
                low = low.replace(ch, " ")
    words = low.encode().translate(_FAST_TABLE).split()
    # Spaced letters: after separators became spaces, three one-character words in a row.
    lengths = array("I", map(len, words)).tobytes()
    if _THREE_ONES in lengths:
        found.spaced = True
    # Keys run together: a word that starts or ends with the first/last four bytes of a key,
    # then the exact test on those few words.
    # A whole phrase run together is a word the dictionary does not know; a threat's head or a
    # key may also be inside a word it knows.
    p4, s4, keys = vocab.prefix4_b, vocab.suffix4_b, vocab.keys_b
    dictionary = vocab.dictionary
    for w in words:
        if len(w) < 5 or w in vocab.known_b:
            continue
        if dictionary is not None and w.isalpha() and (word := w.decode()) not in dictionary.known:
            found.keys.add(word)
        elif len(w) >= 6 and (vocab.threat_head(w) or (len(w) >= 8 and vocab.key_inside(w))):
            found.keys.add(w.decode(errors="ignore"))
    for w in [w for w in words if len(w) >= 6 and (w[:4] in p4 or w[-4:] in s4)]:
        if w in vocab.known_b and not vocab.hostile_affix(w.decode(errors="ignore")):
            continue  # "turken" is a word, not "turk" + "en"
        n = len(w)
        if any(w[:k] in keys or w[-k:] in keys for k in range(4, n - 1)):
            found.keys.add(w.decode(errors="ignore"))
    return found


def deobfuscate(text: str, vocab: Vocabulary | None = None) -> Deobfuscated:
    """The text with obfuscation undone, and the map back to the original characters."""
    vocab = vocab if vocab is not None else default_vocabulary()
    found = _triggers(text, vocab)
    if not found.any():
        n = len(text)
        return Deobfuscated(text, text, range(n), range(1, n + 1))
    return _slow(text, vocab, found)


def _is_token_char(ch: str) -> bool:
    return ch.isalnum() or ch in LEET


def _token_at(text: str, i: int) -> tuple[int, int] | None:
    """The token (as _TOKEN_RE defines it) around position i."""
    s = i
    while s > 0 and (_is_token_char(text[s - 1]) or (
            text[s - 1] == "'" and s > 1 and text[s - 2].isalpha())):
        s -= 1
    while s < i and not _is_token_char(text[s]):
        s += 1
    m = _TOKEN_RE.match(text, s)
    while m is not None and m.end() <= i:
        m = _TOKEN_RE.match(text, m.end() + 1) if m.end() < len(text) else None
    if m is None or m.start() > i:
        return None
    start, end = m.span()
    # A word's closing exclamation marks are punctuation, not an "i": "P0len!", "ikvermoordje!!".
    while end - start > 1 and text[end - 1] == "!":
        end -= 1
    return start, end


def _slow(text: str, vocab: Vocabulary, found: _Triggers) -> Deobfuscated:
    n = len(text)
    # URLs, e-mail addresses and hashtags are never rewritten.
    protected = _protected_spans(text) if any(x in text for x in ("http", "www.", "@", "#")) \
        else []
    raw_changes: list[tuple[int, int, str, str]] = []
    compounds: list[tuple[int, int, tuple[str, ...]]] = []

    # Edits: (start, end, pieces) on the original, non-overlapping; spaced runs first, because
    # they decide which characters form words.
    edits: list[tuple[int, int, list[Piece]]] = []
    taken: list[tuple[int, int]] = []

    def blocked(s: int, e: int) -> bool:
        """Inside a protected span, or overlapping an edit already made."""
        return any(ps < e and s < pe for ps, pe in (*protected, *taken))

    if "#" in text:
        compounds += _hashtag_words(text, vocab)

    if found.spaced:
        for m in _SPACED_RE.finditer(text):
            if blocked(*m.span()):
                continue
            words = _spaced_words(text, m)
            sep = next(ch for ch in m.group(0) if not (ch.isalpha() or ch in LEET))
            if not (any(len(w) >= 3 for w in words) and all(
                    join_ok("".join(c for c, _, _ in w), sep, vocab)
                    for w in words if len(w) > 1)):
                continue
            out: list[Piece] = []
            for k, w in enumerate(words):
                if k:  # a wider gap between spaced words becomes one space
                    out.append((" ", words[k - 1][-1][2], w[0][1]))
                out += process_word(w, vocab, raw_changes, compounds)
            raw_changes.append((m.start(), m.end(), "".join(c for c, _, _ in out), "spaced"))
            edits.append((m.start(), m.end(), out))
            taken.append(m.span())

    if found.masked:
        for m in _MASKED_RE.finditer(text):
            if blocked(*m.span()):
                continue
            chars = [(text[i], i, i + 1) for i in range(*m.span())]
            unmasked = unmask(chars, vocab)
            if unmasked is None:
                continue
            raw_changes += [(s, e, c, "leet") for c, s, e in unmasked if text[s:e] == MASK]
            edits.append((*m.span(), process_word(unmasked, vocab, raw_changes, compounds)))
            taken.append(m.span())

    # Tokens that a rule might apply to.
    spans: set[tuple[int, int]] = set()
    hits: list[int] = []
    if found.leet:
        hits += [m.start() for m in _LEET_ANY_RE.finditer(text)]
    if found.repeat:
        hits += [m.start() for m in REPEAT_RE.finditer(text)]
    if found.keys:
        # One pass over the words as the fast path split them: a search per key took seconds on
        # a long page of unknown words (2026-12-07: 20,000 of them, 1.9 s).
        for m in _WORDS_RE.finditer(text.lower().translate(_KEY_SPLIT)):
            if m.group() in found.keys:
                hits.append(m.start())
    for i in hits:
        span = _token_at(text, i)
        if span is not None:
            spans.add(span)
    for s, e in sorted(spans):
        if blocked(s, e):
            continue
        chars = [(text[i], i, i + 1) for i in range(s, e)]
        new = process_word(chars, vocab, raw_changes, compounds)
        if new != chars:
            edits.append((s, e, new))

    edits.sort(key=lambda x: x[0])
    out_text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for s, e, pieces in edits:
        out_text.append(text[pos:s])
        starts.extend(range(pos, s))
        ends.extend(range(pos + 1, s + 1))
        out_text.append("".join(c for c, _, _ in pieces))
        starts.extend(p[1] for p in pieces)
        ends.extend(p[2] for p in pieces)
        pos = e
    out_text.append(text[pos:n])
    starts.extend(range(pos, n))
    ends.extend(range(pos + 1, n + 1))
    changes = _merge_changes(text, raw_changes)
    compounds.sort()
    return Deobfuscated(text, "".join(out_text), starts, ends, changes, compounds)


def _hashtag_words(text: str, vocab: Vocabulary) -> list[tuple[int, int, tuple[str, ...]]]:
    """A hashtag stays as written (it is a name people search for), but the words run together
    in it count as features, as the parts of a kept compound do: "#wegmetdemoslims" also reads
    weg, met, de, moslims; "#ikmaakjedood" ik, maak, je, dood."""
    found = []
    for m in _HASHTAG_RE.finditer(text):
        chars = [(text[i], i, i + 1) for i in range(*m.span(1))]
        words = "".join(c for c, _, _ in process_word(chars, vocab, [], [])).lower().split()
        if len(words) > 1:
            found.append((m.start(), m.end(), tuple(words)))
    return found


def _merge_changes(text: str, raw: list[tuple[int, int, str, str]]
                   ) -> list[tuple[int, int, str, str, str]]:
    """(orig_start, orig_end, original substring, replacement, kind), in text order; character
    edits inside a spaced run are folded into the run's change."""
    spaced = [(s, e) for s, e, _, k in raw if k == "spaced"]
    merged = []
    for s, e, rep, kind in raw:
        if kind != "spaced" and any(ss <= s and e <= se for ss, se in spaced):
            continue
        merged.append((s, e, text[s:e], rep, kind))
    return sorted(merged, key=lambda c: (c[0], c[1]))


# ---------------------------------------------------------------------------------------------
# Entry points for the pipeline and the features


def clean_for_features(text: str, vocab: Vocabulary | None = None) -> str:
    """The de-obfuscated text the n-gram features should see (compound parts appended)."""
    return deobfuscate(text, vocab).features_text()


if not Doc.has_extension("deobfuscated"):
    Doc.set_extension("deobfuscated", default=None)


@Language.component("deobfuscate")
def deobfuscate_component(doc: Doc) -> Doc:
    """Set doc._.deobfuscated; the Doc keeps the original text, so every other component's
    offsets stay original."""
    doc._.deobfuscated = deobfuscate(doc.text)
    return doc
