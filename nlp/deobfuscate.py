"""Undo deliberate obfuscation before feature extraction, keeping a map back to the original.

Posts that want to slip past a keyword filter write "P0len", "a s i e l t u i g", "tuiiiig" or
"moslimsmoeten". ANNOTATION.md (`polarising`) says those count the same as the plain forms, so
the features must see the plain forms. Evidence shown to analysts must still point at what was
actually written, hence every cleaned character carries the span of original characters it came
from.

Four rules, applied in one left-to-right pass:
- "spaced": runs of >= 3 single letters separated by one kind of separator ("k.a.n.k.e.r");
- "leet": digits and symbols standing for letters inside a word ("P0len", "@sielzoekers");
- "repeat": runs of >= 3 equal letters ("walgelijjjk");
- "split": a target or hostile word run together with a known word ("kankerturken").

The rules are conservative on purpose: a false "fix" of ordinary text (a time, a code, an
abbreviation, a mention) would feed the classifier words nobody wrote. Where a rule is unsure,
a known word from the vocabulary decides; without one, only the safest rewrites happen.
"""

from __future__ import annotations

import bisect
import logging
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import product

from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("leet", "spaced", "repeat", "split")


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Frequent Dutch words that obfuscated posts run together with a target ("moslimsmoeten",
# "aandejoden", "allemaalafmaken"). Kept short: every word here is a way for an ordinary compound
# to be split wrongly ("boerenland" would become "boeren land" if "land" were listed).
FUNCTION_WORDS: frozenset[str] = _words("""
    de het een die dat deze dit daar hier er aan in op uit van voor naar met bij om door over
    tegen zonder weg terug eruit allemaal alle allen ook nog niet geen nooit wel maar en of als
    dan zo ze zij we wij ik jij je jullie hij hun hen ons onze moeten moet mogen mag kunnen kan
    willen wil zullen zal gaan gaat worden wordt zijn is was waren horen hoort dood kapot rot
    vuile vieze smerige stomme domme echt gewoon heel veel meer soort volk
""")

# A small floor of hostile words, so the rules work while the curated lexicon
# (nlp/data/lexicon.tsv) is still being filled; the lexicon's single-word terms are added to it.
SEED_HOSTILE: frozenset[str] = _words("""
    tuig kanker kankeren afmaken afschieten vergassen ophangen uitroeien doodmaken ongedierte
    uitschot parasieten kakkerlakken apen walgelijk
""")

# Ordinary words that happen to be a target plus a known word; never split or expose them.
PROTECTED_WORDS: frozenset[str] = _words("""
    homogeen homogene homogeniteit christendom jodendom polenta boerenland doodgewoon doodsbang
    doodmoe doodop doodziek doodstil doodleuk doodeng transport transparant transactie transfer
    transitie romantiek romantisch poolster turkije mannequin
""")

# "Polenweg", "Turkenstraat": a target followed by a street word is a name, not "Polen weg!".
_STREET_SUFFIXES: tuple[str, ...] = (
    "weg", "straat", "plein", "laan", "dreef", "kade", "gracht", "park", "hof", "pad",
    "singel", "markt", "dijk", "wijk", "buurt", "steeg", "erf", "baan",
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words the rules trust. `targets` are identity-group terms, `hostile` violence and
    contempt words; both may be one side of a split. `words` are other known words. A word in
    `protected` is never split."""

    targets: frozenset[str] = frozenset()
    hostile: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    protected: frozenset[str] = PROTECTED_WORDS
    known: frozenset[str] = field(init=False)
    # First and last four letters of the target and hostile words: the fast path's test for a
    # word that might be one of them run together with another word.
    prefix4: frozenset[str] = field(init=False)
    suffix4: frozenset[str] = field(init=False)
    # The same as UTF-8 bytes, for the fast path (bytes operations run in C).
    keys_b: frozenset[bytes] = field(init=False)
    known_b: frozenset[bytes] = field(init=False)
    prefix4_b: frozenset[bytes] = field(init=False)
    suffix4_b: frozenset[bytes] = field(init=False)
    # Targets and their first >= 4 letters ("asiel" from "asielzoekers"): a compound of one of
    # these and a hostile word is exposed even when the stem alone is no word.
    target_stems: frozenset[str] = field(init=False)
    max_len: int = field(init=False)

    def __post_init__(self) -> None:
        norm = {name: frozenset(w.lower() for w in getattr(self, name) if w.strip())
                for name in ("targets", "hostile", "words", "protected")}
        for name, value in norm.items():
            object.__setattr__(self, name, value)
        known = norm["targets"] | norm["hostile"] | norm["words"]
        # Only alphabetic keys of >= 4 letters can start a split: "de" inside every word
        # would send every post down the slow path.
        keys = [w for w in norm["targets"] | norm["hostile"] if len(w) >= 4 and w.isalpha()]
        object.__setattr__(self, "known", known)
        object.__setattr__(self, "prefix4", frozenset(w[:4] for w in keys))
        object.__setattr__(self, "suffix4", frozenset(w[-4:] for w in keys))
        keys_b = [w.encode() for w in keys]
        object.__setattr__(self, "keys_b", frozenset(keys_b))
        object.__setattr__(self, "known_b", frozenset(w.encode() for w in known))
        object.__setattr__(self, "prefix4_b", frozenset(w[:4] for w in keys_b))
        object.__setattr__(self, "suffix4_b", frozenset(w[-4:] for w in keys_b))
        object.__setattr__(self, "target_stems", frozenset(
            t[:k] for t in norm["targets"] if t.isalpha() for k in range(4, len(t) + 1)))
        object.__setattr__(self, "max_len", max((len(w) for w in known), default=0))

    @classmethod
    def build(cls, targets: Iterable[str] = (), hostile: Iterable[str] = (),
              words: Iterable[str] = (), protected: Iterable[str] = PROTECTED_WORDS,
              function_words: bool = True) -> Vocabulary:
        """A vocabulary from explicit lists (tests, or callers with their own word lists)."""
        base = FUNCTION_WORDS if function_words else frozenset()
        return cls(targets=frozenset(targets), hostile=frozenset(hostile),
                   words=base | frozenset(words), protected=frozenset(protected))

    def is_key(self, word: str) -> bool:
        return word in self.targets or word in self.hostile

    def hostile_affix(self, word: str) -> bool:
        """Does a word start or end with a hostile word and 4 more letters ("asieltuig")? Then
        it may be a compound whose parts are exposed."""
        return any(word[-k:] in self.hostile or word[:k] in self.hostile
                   for k in range(4, len(word) - 3))

    def may_hold_key(self, word: str) -> bool:
        """Could this (lower-case) word be a key run together with another word? A key must
        start or end it, leaving >= 2 letters (the first four letters filter cheaply)."""
        n = len(word)
        if n < 6:
            return False
        if word[:4] in self.prefix4 and any(
                word[:k] in self.targets or word[:k] in self.hostile for k in range(4, n - 1)):
            return True
        return word[-4:] in self.suffix4 and any(
            word[-k:] in self.targets or word[-k:] in self.hostile for k in range(4, n - 1))


@cache
def default_vocabulary() -> Vocabulary:
    """GROUP_TERMS, the lexicon's single-word violence/contempt/slur terms, and the built-ins."""
    # Imported here: nlp.features imports nlp.pipeline, which will import this module.
    from nlp.features import GROUP_TERMS
    from nlp.lexicon import LexiconError, terms

    try:
        lexicon = terms("slur", "dehumanising", "violence", "contempt")
    except (LexiconError, OSError) as exc:  # a broken lexicon must not stop intake
        log.warning("deobfuscate: lexicon unavailable (%s); using the built-in words", exc)
        lexicon = frozenset()
    return Vocabulary.build(targets=GROUP_TERMS, hostile=SEED_HOSTILE | lexicon)


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
# Patterns

_LEET: dict[str, str] = {
    "0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t",
    "@": "a", "$": "s", "€": "e", "|": "il",
}
# Symbols are only rewritten when that gives a known word: "a|b", "€5", "foo$bar" are common.
_SYMBOLS_NEED_KNOWN = frozenset("|$€")
_LEET_CHARS = "".join(_LEET)
_LEET_CLASS = "[" + re.escape(_LEET_CHARS) + "]"
_LETTER = r"[^\W\d_]"
# Digits that never stand for a letter here: a token with one ("d66", "b2b") is a code.
_NON_LEET_DIGITS = frozenset("2689")
_ROMAN_RE = re.compile(r"[IVXLCDM]+")

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|#\w+", re.IGNORECASE)
_TOKEN_RE = re.compile(rf"(?:{_LETTER}|\d|{_LEET_CLASS})+(?:'{_LETTER}+)*")
_UNIT = rf"(?:{_LETTER}|{_LEET_CLASS})"
# One regex per separator, so "a.b-c" (mixed) is no run; spaces may vary in width because a
# wider gap separates words ("m o s l i m s   w e g").
_SPACED_RE = re.compile(
    "|".join(rf"(?<![\w@$€|']){_UNIT}(?:{sep}{_UNIT}){{2,}}(?![\w@$€|'])"
             for sep in (r"[ \t]{1,4}", r"\.", "-", "_", r"\*"))
)
_REPEAT_RE = re.compile(rf"({_LETTER})\1{{2,}}")
# The fast path's regexes: plain character sets and one back-reference, no look-arounds.
_LEET_ANY_RE = re.compile(_LEET_CLASS)
_REPEAT_ANY_RE = re.compile(r"(.)\1\1", re.DOTALL)
# Separators of spaced letters, and punctuation, become spaces for the fast path's word split.
_FAST_PUNCT = b".-_*,;:!?()[]{}\"'/\\<>=+~^&%#"
_FAST_TABLE = bytes.maketrans(_FAST_PUNCT, b" " * len(_FAST_PUNCT))
_NON_ASCII_PUNCT = "…“”‘’«»–—"
_THREE_ONES = array("I", [1, 1, 1]).tobytes()

# (char, orig_start, orig_end) triples: the unit every rule edits, so offsets come for free.
Piece = tuple[str, int, int]


# ---------------------------------------------------------------------------------------------
# Rules on one word


def _leet_variants(chars: list[Piece], vocab: Vocabulary) -> tuple[list[Piece], bool] | None:
    """The word with leet characters replaced, and whether the result is a known word.
    None when the word has no leet characters or must not be touched."""
    text = "".join(c for c, _, _ in chars)
    idx = [i for i, (c, _, _) in enumerate(chars) if c in _LEET]
    if not idx:
        return None
    letters = [i for i, (c, _, _) in enumerate(chars) if c.isalpha()]
    if not letters or any(c in _NON_LEET_DIGITS for c in text):
        return None
    upper = all(chars[i][0].isupper() for i in letters)
    options = [_LEET[chars[i][0]] for i in idx]
    # Only the ambiguous characters multiply; cap the work for long digit strings.
    n_variants = 1
    for o in options:
        n_variants *= len(o)
    combos: Iterable[tuple[str, ...]] = product(*options) if n_variants <= 16 else [
        tuple(o[0] for o in options)]
    default: list[Piece] | None = None
    for combo in combos:
        out = list(chars)
        for i, rep in zip(idx, combo, strict=True):
            c, s, e = chars[i]
            out[i] = (rep.upper() if upper else rep, s, e)
        if default is None:
            default = out
        word = "".join(c for c, _, _ in out).lower()
        if _is_known_form(word, vocab):
            return out, True
    assert default is not None
    # No known word: only digits and "@" strictly inside a lower-case word are safe to read as
    # letters ("k4nk3r"); "14u", "mp3", "A1", "@gemeente" and "covid19" stay as written.
    first, last = letters[0], letters[-1]
    safe = (
        len(letters) >= 3
        and any(chars[i][0].islower() for i in letters)
        and all(first < i < last and chars[i][0] not in _SYMBOLS_NEED_KNOWN for i in idx)
        # Nothing but letters and leet characters in between ("h0m0's" needs a known word).
        and all(chars[i][0].isalpha() or chars[i][0] in _LEET for i in range(first, last + 1))
    )
    return (default, False) if safe else None


def _is_word(word: str, vocab: Vocabulary) -> bool:
    """A known word, or known words run together around a key ("moslimsmoeten")."""
    return word in vocab.known or (vocab.may_hold_key(word) and _segment(word, vocab) is not None)


def _is_known_form(word: str, vocab: Vocabulary) -> bool:
    """Known as is, or after collapsing its letter runs (a leet fix and a repeat may meet)."""
    if _is_word(word, vocab):
        return True
    if _REPEAT_RE.search(word):
        return any(_is_word(w, vocab) for w in _repeat_forms(word))
    return False


def _repeat_forms(word: str) -> list[str]:
    runs = list(_REPEAT_RE.finditer(word))
    if len(runs) > 4:
        return [_REPEAT_RE.sub(r"\1\1", word)]
    forms = []
    for keep in product((1, 2), repeat=len(runs)):
        out, pos = [], 0
        for m, k in zip(runs, keep, strict=True):
            out.append(word[pos:m.start()] + m.group(1) * k)
            pos = m.end()
        out.append(word[pos:])
        forms.append("".join(out))
    return forms


def _collapse(chars: list[Piece], vocab: Vocabulary) -> list[Piece] | None:
    """Collapse runs of >= 3 equal letters to the known form (1 or 2 letters), else to 2."""
    text = "".join(c for c, _, _ in chars)
    runs = list(_REPEAT_RE.finditer(text))
    if not runs or _ROMAN_RE.fullmatch(text):  # "Willem III" is a name, not shouting
        return None
    keep_choice: tuple[int, ...] = (2,) * len(runs)
    if len(runs) <= 4:
        for keep in product((1, 2), repeat=len(runs)):
            out, pos = [], 0
            for m, k in zip(runs, keep, strict=True):
                out.append(text[pos:m.start()] + m.group(1) * k)
                pos = m.end()
            out.append(text[pos:])
            if _is_word("".join(out).lower(), vocab):
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


def _segment(word: str, vocab: Vocabulary) -> list[str] | None:
    """The fewest known words that make up `word`, if one of them is a target or hostile word.

    Two-letter pieces ("de") may not end the word: "poolen" is not "pool en"."""
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
            if len(piece) == 2 and i == n:
                continue
            cand = (prev[0] + 1, prev[1] - len(piece) ** 2, [*prev[2], piece])
            cur = best[i]
            if cur is None or cand[:2] < cur[:2]:
                best[i] = cand
    found = best[n]
    if found is None or found[0] < 2 or found[0] > 4:
        return None
    pieces = found[2]
    if not any(vocab.is_key(p) and len(p) >= 4 for p in pieces):
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
        # "Polenweg" is a street; "Polenmoetenweg" (three words) is not.
        if pieces is not None and not (
            len(pieces) == 2 and vocab.is_key(pieces[0]) and pieces[1] in _STREET_SUFFIXES
        ):
            out: list[Piece] = []
            pos = 0
            for k, piece in enumerate(pieces):
                if k:
                    at = chars[pos][1]
                    out.append((" ", at, at))
                out += chars[pos:pos + len(piece)]
                pos += len(piece)
            return out, None
    return None, _compound_parts(word, vocab)


# ---------------------------------------------------------------------------------------------
# The pass over a text


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _URL_RE.finditer(text)]


def _spaced_words(text: str, m: re.Match[str]) -> list[list[Piece]]:
    """The letters of a spaced run as words; a gap wider than the narrowest one ends a word."""
    units = [(i, text[i]) for i in range(m.start(), m.end())
             if text[i].isalpha() or text[i] in _LEET]
    gaps = [units[k + 1][0] - units[k][0] for k in range(len(units) - 1)]
    narrow = min(gaps)
    words: list[list[Piece]] = [[]]
    for k, (i, c) in enumerate(units):
        if k and gaps[k - 1] > narrow:
            words.append([])
        words[-1].append((c, i, i + 1))
    return words


def _join_ok(word: str, sep: str, vocab: Vocabulary) -> bool:
    """Is a run of single letters an obfuscated word? Known words always; otherwise long runs
    only, because "d.w.z.", "i.p.v.", "t.e.a.b." and "P.V.V." are abbreviations."""
    low = word.lower()
    if len(set(low)) == 1:  # "x x x x" are kisses, not a word
        return False
    if low in vocab.known or _segment(low, vocab) is not None:
        return True
    letters = sum(c.isalpha() for c in word)
    return letters >= (5 if sep == "." else 4)


def _process_word(chars: list[Piece], vocab: Vocabulary,
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
    if _REPEAT_RE.search("".join(c for c, _, _ in chars)):
        collapsed = _collapse(chars, vocab)
        if collapsed is not None:
            # A kept letter whose span is wider than one character stands for a collapsed run.
            changes += [(s, e, c, "repeat") for c, s, e in collapsed if e - s > 1]
            chars = collapsed
    if vocab.may_hold_key("".join(c for c, _, _ in chars).lower()):
        split, parts = _split(chars, vocab)
        if split is not None:
            # Inserted spaces are the pieces with an empty original span.
            changes += [(s, s, " ", "split") for c, s, e in split if s == e]
            chars = split
        elif parts is not None:
            compounds.append((chars[0][1], chars[-1][2], parts))
    return chars


@dataclass(slots=True)
class _Triggers:
    """What the fast path saw; the slow path only scans for these."""

    leet: bool = False
    repeat: bool = False
    spaced: bool = False
    keys: set[str] = field(default_factory=set)

    def any(self) -> bool:
        return self.leet or self.repeat or self.spaced or bool(self.keys)


def _triggers(text: str, vocab: Vocabulary) -> _Triggers:
    """The fast path's question: could any rule apply? Cheap string operations only, because
    most posts are ordinary and the classifier's budget is a few hundred microseconds a post
    (a single regex over the text with letter classes and look-arounds costs 10-40 µs)."""
    found = _Triggers()
    if _LEET_ANY_RE.search(text) is not None:
        for m in _LEET_ANY_RE.finditer(text):
            i = m.start()
            if (i > 0 and text[i - 1].isalpha()) or (i + 1 < len(text) and text[i + 1].isalpha()):
                found.leet = True
                break
    found.repeat = _REPEAT_ANY_RE.search(text) is not None
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
    p4, s4, keys = vocab.prefix4_b, vocab.suffix4_b, vocab.keys_b
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
    return ch.isalnum() or ch in _LEET


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
    return m.span()


def _slow(text: str, vocab: Vocabulary, found: _Triggers) -> Deobfuscated:
    n = len(text)
    # URLs, e-mail addresses and hashtags are never rewritten.
    protected = _protected_spans(text) if any(x in text for x in ("http", "www.", "@", "#")) \
        else []
    raw_changes: list[tuple[int, int, str, str]] = []
    compounds: list[tuple[int, int, tuple[str, ...]]] = []

    def in_protected(s: int, e: int) -> bool:
        return any(ps < e and s < pe for ps, pe in protected)

    # Edits: (start, end, pieces) on the original, non-overlapping; spaced runs first, because
    # they decide which characters form words.
    edits: list[tuple[int, int, list[Piece]]] = []
    taken: list[tuple[int, int]] = []
    if found.spaced:
        for m in _SPACED_RE.finditer(text):
            if in_protected(*m.span()):
                continue
            words = _spaced_words(text, m)
            sep = next(ch for ch in m.group(0) if not (ch.isalpha() or ch in _LEET))
            if not (any(len(w) >= 3 for w in words) and all(
                    _join_ok("".join(c for c, _, _ in w), sep, vocab)
                    for w in words if len(w) > 1)):
                continue
            out: list[Piece] = []
            for k, w in enumerate(words):
                if k:  # a wider gap between spaced words becomes one space
                    out.append((" ", words[k - 1][-1][2], w[0][1]))
                out += _process_word(w, vocab, raw_changes, compounds)
            raw_changes.append((m.start(), m.end(), "".join(c for c, _, _ in out), "spaced"))
            edits.append((m.start(), m.end(), out))
            taken.append(m.span())

    # Tokens that a rule might apply to.
    spans: set[tuple[int, int]] = set()
    hits: list[int] = []
    if found.leet:
        hits += [m.start() for m in _LEET_ANY_RE.finditer(text)]
    if found.repeat:
        hits += [m.start() for m in _REPEAT_RE.finditer(text)]
    if found.keys:
        low = text.lower()
        for w in found.keys:
            at = low.find(w)
            while at >= 0:
                hits.append(at)
                at = low.find(w, at + len(w))
    for i in hits:
        span = _token_at(text, i)
        if span is not None:
            spans.add(span)
    for s, e in sorted(spans):
        if in_protected(s, e) or any(ts < e and s < te for ts, te in taken):
            continue
        chars = [(text[i], i, i + 1) for i in range(s, e)]
        new = _process_word(chars, vocab, raw_changes, compounds)
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
