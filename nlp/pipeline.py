"""The spaCy pipeline on spacy.blank("nl"): gazetteer entity ruler, fuzzy place matcher,
cue Matcher; plus the post-level facts derived from them (places, in_almere, event time)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import product

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp.cue_context import (
    HOSTILE_PREDICATE_KINDS,
    VIOLENCE_KINDS,
    is_aimed_at_hatred,
    is_answered_no,
    is_denied_clause,
    is_negated,
    is_negated_after_verb,
    is_violence_negated,
)
from nlp.cues import CUE_KINDS, CUES
from nlp.deobfuscate import Deobfuscated
from nlp.gazetteer import by_canonical, fuzzy_candidate, fuzzy_lookup, load_places
from nlp.timeexpr import TimeExpr, first_time
from nlp.types import Evidence, Place

PLACE_LABEL = "PLACE"
# A place after one of these words is where people come *from*, not where the event is.
_ORIGIN_WORDS = frozenset({"uit", "vanuit", "van"})
# Words before a hostile cue that nlp.cue_context.is_negated reads: a copula, "geen" and
# intensifiers.
_NEGATION_REACH = 6
# How far a "dat" clause's denial is read on either side of the hostile word (nlp.cue_context).
_CLAUSE_REACH = 12
# How far after a hostile cue a question and the answer that denies it are read.
_ANSWER_REACH = _CLAUSE_REACH + 4
_SENTENCE_END = re.compile(r"[.!?\n]")


@Language.component("fuzzy_places")
def fuzzy_places(doc: Doc) -> Doc:
    """Add PLACE entities for likely misspellings of gazetteer names."""
    taken = {t.i for ent in doc.ents for t in ent}
    new: list[Span] = []
    for tok in doc:
        if tok.i in taken or not fuzzy_candidate(tok.text):
            continue
        canonical = fuzzy_lookup(tok.text)
        if canonical is not None:
            new.append(Span(doc, tok.i, tok.i + 1, label=PLACE_LABEL, span_id=canonical))
    if new:
        doc.ents = filter_spans([*doc.ents, *new])
    return doc


# District names that are also common words ("haven", "buiten", "poort", "hout"): written bare
# they are the district only right after "in" ("in Poort"), or capitalised after a word of
# direction ("naar Buiten"); "naar buiten gaan" stays a plain word.
BARE_DISTRICTS = {
    "haven": "Almere Haven", "buiten": "Almere Buiten", "poort": "Almere Poort",
    "hout": "Almere Hout",
}
_BARE_DISTRICT_IN = frozenset({"in"})
_BARE_DISTRICT_CAPITALISED = frozenset({"naar", "uit", "vanuit", "bij", "richting"})
# "in Haven van Rotterdam": followed by "van" the word is part of a longer name.
_BARE_DISTRICT_BLOCKERS = frozenset({"van"})
# "in hout gesneden" is everyday Dutch: this one only counts when capitalised.
_BARE_DISTRICT_CASE_SENSITIVE = frozenset({"hout"})


@Language.component("bare_districts")
def bare_districts(doc: Doc) -> Doc:
    """Add PLACE entities for bare district names in a place context ("in Poort")."""
    taken = {t.i for ent in doc.ents for t in ent}
    new: list[Span] = []
    for tok in doc[1:]:
        canonical = BARE_DISTRICTS.get(tok.lower_)
        if canonical is None or tok.i in taken:
            continue
        prev = doc[tok.i - 1].lower_
        nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
        capitalised = tok.text[:1].isupper()
        if nxt in _BARE_DISTRICT_BLOCKERS or (
            tok.lower_ in _BARE_DISTRICT_CASE_SENSITIVE and not capitalised
        ):
            continue
        if prev in _BARE_DISTRICT_IN or (prev in _BARE_DISTRICT_CAPITALISED and capitalised):
            new.append(Span(doc, tok.i, tok.i + 1, label=PLACE_LABEL, span_id=canonical))
    if new:
        doc.ents = filter_spans([*doc.ents, *new])
    return doc


def _ruler_patterns(nlp: Language) -> list[dict]:
    """Case-insensitive names as phrase patterns (fast); case-sensitive ones as token patterns."""
    patterns = []
    for place in load_places():
        for alias in place.aliases:
            if place.case_sensitive:
                pat: str | list[dict] = [{"ORTH": t.text} for t in nlp.tokenizer(alias)]
            else:
                pat = alias.lower()
            patterns.append({"label": PLACE_LABEL, "pattern": pat, "id": place.canonical})
    return patterns


_BUILD_LOCK = threading.Lock()


def get_nlp() -> Language:
    """The spaCy pipeline, built once per process. Under a lock: two threads that built it at
    once (the watch loop and a DAG task, two web requests) got two vocabularies, and the cue
    matcher built on one then failed on the other's documents (spaCy's KeyError E018)."""
    with _BUILD_LOCK:
        return _build_nlp()


@cache
def _build_nlp() -> Language:
    nlp = spacy.blank("nl")
    # First, so that every later step can read what obfuscation hid ("m0sl1ms", "a s i e l").
    nlp.add_pipe("deobfuscate")
    ruler = nlp.add_pipe(
        "entity_ruler", config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}
    )
    ruler.add_patterns(_ruler_patterns(nlp))
    nlp.add_pipe("bare_districts")
    nlp.add_pipe("fuzzy_places")
    return nlp


class CueMatcher:
    """Cue specs compiled three ways, because spaCy's token Matcher with regex predicates is the
    slowest part of the pipeline: literal phrases go to a PhraseMatcher, single-token prefixes to
    a tuple-startswith check, and only patterns with gaps or prefixes inside phrases to a Matcher.
    """

    def __init__(self, nlp: Language) -> None:
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab)
        self.prefixes: list[tuple[str, tuple[str, ...]]] = []
        for kind, specs in CUES.items():
            phrase_docs = []
            prefixes: list[str] = []
            token_patterns = []
            for spec in specs:
                opts = [w.split("|") for w in spec]
                if len(spec) == 1 and any(o.endswith("*") for o in opts[0]):
                    prefixes += [o[:-1] for o in opts[0] if o.endswith("*")]
                    phrase_docs += [nlp.make_doc(o) for o in opts[0] if not o.endswith("*")]
                elif any(w.startswith("…") or "*" in w for w in spec):
                    token_patterns.append([_token_spec(w) for w in spec])
                else:
                    phrase_docs += [nlp.make_doc(" ".join(c)) for c in product(*opts)]
            if phrase_docs:
                self.phrases.add(kind, phrase_docs)
            if token_patterns:
                self.tokens.add(kind, token_patterns)
            if prefixes:
                self.prefixes.append((kind, tuple(prefixes)))

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        strings = doc.vocab.strings
        found = [(strings[m], s, e) for m, s, e in self.phrases(doc)]
        found += [(strings[m], s, e) for m, s, e in self.tokens(doc)]
        for tok in doc:
            low = tok.lower_
            for kind, prefixes in self.prefixes:
                if low.startswith(prefixes):
                    found.append((kind, tok.i, tok.i + 1))
        return found


def _token_spec(word: str) -> dict:
    if word.startswith("…"):
        return {"OP": "{,%s}" % (word[1:] or 5)}
    opts = word.split("|")
    if any(o.endswith("*") for o in opts):
        alts = (re.escape(o[:-1]) + ".*" if o.endswith("*") else re.escape(o) for o in opts)
        return {"LOWER": {"REGEX": "^(?:" + "|".join(alts) + ")$"}}
    return {"LOWER": {"IN": opts}} if len(opts) > 1 else {"LOWER": opts[0]}


@cache
def get_matcher() -> CueMatcher:
    return CueMatcher(get_nlp())


@dataclass(slots=True)
class Analysis:
    """Rule-based facts about one text, before the classifier."""

    text: str = ""
    places: list[Place] = field(default_factory=list)
    place_spans: list[tuple[int, int]] = field(default_factory=list)
    in_almere: bool | None = None
    time: TimeExpr | None = None
    cues: list[Evidence] = field(default_factory=list)
    cue_counts: Counter = field(default_factory=Counter)
    # The text with obfuscation undone, and how it maps back (None: nothing was obfuscated).
    clean: Deobfuscated | None = None

    @property
    def semantic_text(self) -> str:
        """The de-obfuscated text (the text itself when nothing was obfuscated)."""
        return self.clean.text if self.clean is not None else self.text

    def evidence(self) -> list[Evidence]:
        ev = list(self.cues)
        ev += [Evidence(s, e, p.text, "place") for p, (s, e) in zip(self.places, self.place_spans,
                                                                     strict=True)]
        if self.time is not None:
            spans = self.time.parts or ((self.time.start, self.time.end),)
            ev += [Evidence(s, e, self.text[s:e], "time") for s, e in spans]
        return sorted(ev, key=lambda e: (e.start, e.end))


def _cue_spans(doc: Doc) -> list[tuple[str, Span]]:
    by_kind: dict[str, list[Span]] = {}
    for kind, start, end in get_matcher()(doc):
        by_kind.setdefault(kind, []).append(doc[start:end])
    # Longest non-overlapping span per kind, so "neem … mee" is reported once.
    return [(_kind_in_context(kind, span), span) for kind, spans in by_kind.items()
            for span in filter_spans(spans)]


def _kind_in_context(kind: str, span: Span) -> str:
    """What a cue's neighbours make of it (nlp.cue_context): a hostile word under a negation
    counts as a negation, violence under a negation as a warning, unless the sentence is a
    question, since a negated question is rhetorical ("zijn ze niet gewoon tuig?"). A hostile
    question answered with a denial is a negation, and contempt for racists or hatred is
    counter-speech."""
    doc = span.doc
    clause_before = [t.lower_ for t in doc[max(0, span.start - _CLAUSE_REACH):span.start]]
    before = clause_before[-_NEGATION_REACH:]
    if kind in HOSTILE_PREDICATE_KINDS:
        after = [t.lower_ for t in doc[span.end:span.end + _CLAUSE_REACH]]
        words = [t.lower_ for t in span]
        if is_aimed_at_hatred(words, after):
            return "counter"
        negated = (is_negated(before) or is_denied_clause(clause_before, after)
                   or is_negated_after_verb(words, after))
        becomes = "negation"
    elif kind in VIOLENCE_KINDS:
        negated, becomes = is_violence_negated(before, [t.lower_ for t in span]), "warning"
    else:
        return kind
    ahead = doc[span.end:span.end + _ANSWER_REACH]
    # Only a negated cue, or a hostile one with a question mark ahead, needs its sentence's end:
    # Doc.text joins every token again, and most cues are neither.
    asks = kind in HOSTILE_PREDICATE_KINDS and any("?" in t.text for t in ahead)
    if not (negated or asks):
        return kind
    end = _SENTENCE_END.search(doc.text, span.end_char)
    if end is None or end.group() != "?":
        return becomes if negated else kind
    if asks and is_answered_no([t.lower_ for t in ahead if t.idx > end.start()]):
        return "negation"
    return kind


def in_almere_of(doc: Doc, places: list[Place], cue_counts: Counter) -> bool | None:
    """The guideline rules: another city where the event is named → no; any Almere place → yes;
    036 / #almere → yes; otherwise unknown."""
    elsewhere = False
    almere = False
    for ent, place in zip(doc.ents, places, strict=True):
        if place.in_almere:
            almere = True
            continue
        prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        if prev not in _ORIGIN_WORDS:
            elsewhere = True
    if elsewhere:
        return False
    if almere or cue_counts.get("almere_tag"):
        return True
    return None


def analyse_doc(doc: Doc, published_at: datetime | None) -> Analysis:
    lookup = by_canonical()
    text = doc.text  # spaCy joins the tokens again on every read of Doc.text
    places: list[Place] = []
    spans: list[tuple[int, int]] = []
    for ent in doc.ents:
        entry = lookup[ent.ent_id_]
        start = ent.start_char
        first = ent[0].lower_
        # "het Malieveld" is written; "Malieveld" is the place, unless the article is the name's.
        if len(ent) > 1 and first in ("de", "het") and not entry.canonical.lower().startswith(
                first + " "):
            start = ent[1].idx
        places.append(Place(text[start:ent.end_char], entry.canonical, entry.district,
                            entry.in_almere))
        spans.append((start, ent.end_char))
    clean: Deobfuscated | None = doc._.deobfuscated
    if clean is not None and not (clean.changed or clean.compounds):
        clean = None
    counts: Counter = Counter()
    cues: list[Evidence] = []
    for kind, start, end in _cues_of(doc, clean):
        counts[kind] += 1
        cues.append(Evidence(start, end, text[start:end], f"cue:{kind}"))
    return Analysis(
        text=text,
        places=places,
        place_spans=spans,
        in_almere=in_almere_of(doc, places, counts),
        time=first_time(text, published_at),
        cues=cues,
        cue_counts=counts,
        clean=clean,
    )


def _cues_of(doc: Doc, clean: Deobfuscated | None) -> list[tuple[str, int, int]]:
    """Cue spans as (kind, start, end) in the original text. An obfuscated text is matched in its
    cleaned form and the spans are mapped back; the parts of a kept compound ("asieltuig")
    count as cues at the compound's place."""
    if clean is None:
        return [(kind, span.start_char, span.end_char) for kind, span in _cue_spans(doc)]
    nlp = get_nlp()
    found = [(kind, *clean.to_original(span.start_char, span.end_char))
             for kind, span in _cue_spans(nlp.make_doc(clean.text))]
    for start, end, parts in clean.compounds:
        found += [(kind, start, end) for kind, _ in _cue_spans(nlp.make_doc(" ".join(parts)))]
    return found


def analyse(
    texts: Sequence[str], published_at: Iterable[datetime | None] | None = None
) -> list[Analysis]:
    pubs = list(published_at) if published_at is not None else [None] * len(texts)
    nlp = get_nlp()
    return [analyse_doc(doc, pub) for doc, pub in zip(nlp.pipe(texts, batch_size=256), pubs,
                                                      strict=True)]


def cue_vector(analysis: Analysis) -> list[float]:
    return [float(analysis.cue_counts.get(kind, 0)) for kind in CUE_KINDS]
