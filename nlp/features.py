"""Text normalisation and the hand-made (non n-gram) features fed to the classifier.

Two deliberate blindings: identity-group terms become one placeholder, so the model cannot learn
that "moslims" is more suspicious than "christenen" (fairness by construction, checked by the
counterfactual test); place names become a placeholder, so a model trained on a few
neighbourhoods generalises to the others.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from nlp.cues import CUE_KINDS
from nlp.group_terms import GROUP_TERMS
from nlp.lexicon import load_lexicon
from nlp.pipeline import Analysis
from nlp.placeholders import (
    GROUP_TOKEN,
    NEGATED_PREFIX,
    PLACE_TOKEN,
    QUOTE_TOKEN,
    QUOTED_PREFIX,
    SLUR_TOKEN,
    URL_TOKEN,
)

# Bump when normalisation or features change in a way the names above do not show; it is part of
# the model version.
# 12: "groep" is no identity-group cue (chat groups, "een groep jongeren"); 11 was model 17's.
# 13: a hostile word under a negation ("zijn geen ongedierte") is a negation cue (nlp.cues).
# 14: naming verbal abuse ("uitschelden", "beledigen") is a counter cue.
# 15: a threat's subject run together with its violence word is split ("ikvermoordje"), and
#     ordinary compounds are no longer split ("overtuig", "brandweermannen"; nlp.deobfuscate_words).
# 16: violence under a negation ("niet neerschieten", "geen stenen") is a warning cue.
# 17 was model 39's (no bare group count; not shipped).
# 18: a group word run together inside a word ("allemoslimsweg") or with a word of hatred or
#     contempt ("ikhaatmoslims", "homoszijnziek") is split.
#     Since 2026-12-07 (served to model 54 without retraining, as the normaliser's later rules),
#     cue kinds read in context (nlp.cue_context): a hostile word in a denied "dat" clause, after
#     a denied verb of hatred ("ik haat … niet") or in a question answered "onzin" is a negation
#     cue, contempt for racists a counter cue; and new cue phrases (nlp.cues): aimed fireworks,
#     split verbs of killing, "knallen … neer", "geen hekel".
FEATURE_REVISION = 18

_GROUP_RE = re.compile(
    r"(?<![\w'])(?:" + "|".join(re.escape(t) for t in sorted(GROUP_TERMS, key=len, reverse=True))
    + r")(?![\w'])",
    re.IGNORECASE,
)
# Quoted speech: "ze moeten allemaal terug" inside quotes is often counter-speech or a report.
_QUOTE_RE = re.compile(
    r"(?<!\w)'([^'\n]{3,160}?)'(?!\w)|\"([^\"\n]{3,160}?)\"|“([^”\n]{3,160}?)”|‘([^’\n]{3,160}?)’"
)
_WORD_RE = re.compile(r"\w[\w']*")
_URL_RE = re.compile(r"https?://\S+|www\.\S+")
_REPEAT_RE = re.compile(r"(.)\1{2,}")
# Negation scope (as in sentiment analysis since Das & Chen 2001): a bag of words reads "X zijn
# geen tuig" and "ik zeg niet dat X tuig zijn" as "X zijn tuig", where ANNOTATION.md says negated
# hostility is No. The words after a negator, up to the end of the clause, become words of their
# own, as quoted words do; the model learns from the corpus which of them still carry hostility
# ("wij willen geen n_groepsterm meer").
_NEGATORS = frozenset({"niet", "geen", "nooit", "niks", "niets", "niemand", "nergens"})
_CLAUSE_RE = re.compile(r"([.,;:!?()\n]+|\bmaar\b|\bwant\b)")


def mask_groups(text: str) -> str:
    return _GROUP_RE.sub(GROUP_TOKEN, text)


def normalise(text: str, analysis: Analysis) -> str:
    """The text as the n-gram vectorisers see it: obfuscation undone, places, slurs and group
    terms masked, quotes marked."""
    # Times are left as written: masking them to one token made "a time is mentioned" a strong
    # call feature by itself, which flagged everyday posts ("valt tegen vandaag"). Time only
    # counts together with a mobilisation cue (x:mobilise_when_where).
    spans = sorted((s, e, PLACE_TOKEN) for s, e in analysis.place_spans)
    clean = analysis.clean
    if clean is not None:
        text = clean.text
        spans = sorted((*clean.from_original(s, e), tok) for s, e, tok in spans)
    out: list[str] = []
    pos = 0
    for s, e, tok in spans:
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(f" {tok} ")
        pos = e
    out.append(text[pos:])
    if clean is not None and clean.compounds:
        out.append(" " + " ".join(p for _, _, parts in clean.compounds for p in parts))
    norm = "".join(out)
    norm = _QUOTE_RE.sub(_mark_quoted, norm)
    norm = _URL_RE.sub(f" {URL_TOKEN} ", norm)
    norm = _REPEAT_RE.sub(r"\1\1", norm)  # "heeeel" → "heel"
    return mark_negation_scope(mask_groups(mask_slurs(norm)).lower())


def mark_negation_scope(text: str) -> str:
    """Prefix the words after a negator, to the end of its clause, with `n_` (quoted words keep
    their own prefix)."""
    out: list[str] = []
    # split() with one group: clauses at even indices, the punctuation or word ending them at odd.
    for i, part in enumerate(_CLAUSE_RE.split(text)):
        if i % 2 or not part:
            out.append(part)
            continue
        negated = False

        def scoped(m: re.Match[str]) -> str:
            nonlocal negated
            word = m.group(0)
            if negated and not word.startswith(QUOTED_PREFIX):
                return NEGATED_PREFIX + word
            negated = negated or word in _NEGATORS
            return word

        out.append(_WORD_RE.sub(scoped, part))
    return "".join(out)


@cache
def _slur_re() -> re.Pattern[str] | None:
    alts = sorted({(re.escape(e.term) + (r"\w*" if e.form == "prefix" else ""))
                   for e in load_lexicon() if e.category == "slur" and e.target != "-"},
                  key=len, reverse=True)
    if not alts:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(alts) + r")(?![\w'])", re.IGNORECASE)


def mask_slurs(text: str) -> str:
    """A slur for a group becomes one token, as group terms do: the model may learn that a slur is
    hostile, never that one group's slurs weigh more than another's."""
    pattern = _slur_re()
    return pattern.sub(SLUR_TOKEN, text) if pattern is not None else text


def _mark_quoted(m: re.Match) -> str:
    inner = next(g for g in m.groups() if g is not None)
    # Quoted words become their own features ("q_terug"), distinct from words said in voice.
    return f" {QUOTE_TOKEN} " + _WORD_RE.sub(lambda w: QUOTED_PREFIX + w.group(0), inner) + " "


def quoted_share(text: str) -> float:
    quoted = sum(len(next(g for g in m.groups() if g is not None)) for m in _QUOTE_RE.finditer(
        text))
    return quoted / max(len(text), 1)


EXTRA_FEATURES: tuple[str, ...] = (
    *(f"cue:{k}" for k in CUE_KINDS), "quoted_share", "question", "x:threat_gov",
    "x:mobilise_when_where", "x:mobilise_report", "x:polarising_group", "x:polarising_counter",
    "x:threat_group", "x:mobilise_almere", "x:threat_playful", "x:mobilise_news",
    "x:mobilise_event", "x:event_no_protest", "x:news_no_first_person",
    "x:hostile_group", "x:hostile_group_voiced", "x:hostile_negated", "x:violence_group",
    "x:violence_gov", "x:when_where_terse", "x:headcount_when_where", "x:institutional_gov",
    "x:group_defended",
)

# First-person plural and direct address: a call speaks to its readers, a news item about it
# reports in the third person.
_ADDRESS_RE = re.compile(r"\b(?:we|wij|ons|onze|jullie|je|jij|u|kom|komt|iedereen)\b", re.I)


def extra_vector(analysis: Analysis) -> np.ndarray:
    c = analysis.cue_counts
    counts = [np.log1p(c.get(k, 0)) for k in CUE_KINDS]
    where_when = analysis.time is not None or bool(analysis.places) or bool(c.get("almere_tag"))
    hostile = bool(c.get("polarising") or c.get("lex_slur") or c.get("lex_dehumanising")
                   or c.get("lex_contempt"))
    violent = bool(c.get("threat") or c.get("lex_violence"))
    group = bool(c.get("topic_group") or c.get("lex_slur")) or bool(
        _GROUP_RE.search(analysis.clean.text if analysis.clean else analysis.text))
    quoted = quoted_share(analysis.text) > 0.3
    n_words = len(_WORD_RE.findall(analysis.text))
    # Interactions a linear model cannot form itself; the guideline rules are built on them.
    interactions = [
        float(bool(c.get("threat")) and bool(c.get("topic_gov") or c.get("anti_gov"))),
        float(bool(c.get("mobilise")) and where_when),
        float(bool(c.get("mobilise")) and bool(c.get("report"))),
        float(bool(c.get("polarising")) and bool(c.get("topic_group"))),
        float(bool(c.get("polarising")) and bool(c.get("counter"))),
        float(bool(c.get("threat")) and bool(c.get("topic_group"))),
        float(bool(c.get("mobilise")) and analysis.in_almere is True),
        float(bool(c.get("threat")) and bool(c.get("playful"))),
        float(bool(c.get("mobilise")) and bool(c.get("news"))),
        float(bool(c.get("mobilise")) and bool(c.get("event"))),
        float(bool(c.get("event")) and not c.get("topic_protest") and not c.get("threat")),
        float(bool(c.get("news")) and not _ADDRESS_RE.search(analysis.text)),
        # Hostility toward a group: the lexicon and cues with a group named; "voiced" when it is
        # neither quoted, negated nor countered (ANNOTATION.md: counter-speech, quotes, negation).
        float(hostile and group),
        float(hostile and group and not quoted and not c.get("negation")
              and not c.get("counter")),
        float(hostile and bool(c.get("negation"))),
        float(violent and group),
        float(violent and bool(c.get("topic_gov") or c.get("anti_gov"))),
        # A terse call: a clock time and a place and little else ("morgen 20:00 Stadhuisplein");
        # "vandaag" or "vanavond" with a place is every other short everyday post.
        float(analysis.time is not None and analysis.time.has_clock and bool(analysis.places)
              and n_words <= 12),
        float(bool(c.get("headcount")) and where_when),
        float(bool(c.get("institutional")) and bool(c.get("topic_gov"))),
        # A group named in a text that denies or rejects something: counter-speech and negated
        # hostility, whether or not the hostile words are in the lexicon.
        float(group and bool(c.get("negation") or c.get("counter"))),
    ]
    return np.array(
        [
            *counts,
            quoted_share(analysis.text),
            float("?" in analysis.text),
            *interactions,
        ],
        dtype=np.float64,
    )
