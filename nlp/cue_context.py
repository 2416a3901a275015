"""How a cue's context changes what it says: a hostile word under a negation or in a denied
clause is a negation, contempt aimed at racists is counter-speech, violence under a negation is a
warning (docs/annotation.md: negated hostility, counter-speech and calls not to use violence are
No). nlp.pipeline reads each cue's neighbouring words (lower case) and asks these functions."""

from __future__ import annotations

from collections.abc import Sequence

# A hostile word said under a negation ("zijn geen ongedierte", "helemaal niet minderwaardig") is
# no hostility (docs/annotation.md, polarising: negation): its cue counts as a negation instead.
# Slurs stay hostile whatever precedes them, and "geen" negates only after a copula: "we willen
# geen tuig hier" excludes, "dat zijn geen beesten" denies. A negated question is rhetorical ("zijn
# ze niet gewoon tuig?", "waarom we ze niet terugsturen?"): it stays hostile.
HOSTILE_PREDICATE_KINDS = frozenset({"polarising", "lex_dehumanising", "lex_contempt"})
_NEGATORS = frozenset({"niet", "nooit", "allerminst"})
_COPULAS = frozenset({"zijn", "is", "ben", "bent", "was", "waren", "worden", "wordt", "blijven",
                      "blijft"})
_INTENSIFIERS = frozenset({"helemaal", "echt", "zeker", "absoluut", "totaal", "bepaald", "eens",
                           "allemaal"})


def _before_intensifiers(words: Sequence[str], i: int) -> int:
    """The index of the nearest word at or before `i` that is no intensifier (-1 if none)."""
    while i >= 0 and words[i] in _INTENSIFIERS:
        i -= 1
    return i


def is_negated(words_before: Sequence[str]) -> bool:
    """Whether a hostile word whose preceding words (lower case, nearest last) are
    `words_before` follows a negation. The caller keeps a question hostile. Intensifiers may
    stand on either side of "geen": "zijn echt geen", "is helemaal geen"."""
    i = _before_intensifiers(words_before, len(words_before) - 1)
    if i < 0:
        return False
    if words_before[i] in _NEGATORS:
        return True
    if words_before[i] != "geen":
        return False
    copula = _before_intensifiers(words_before, i - 1)
    return copula >= 0 and words_before[copula] in _COPULAS


# A hostile word in a "dat" clause that the sentence denies is no hostility either: the clause
# hangs on a negated verb ("ik zeg echt niet dat alle … tuig zijn", "ik denk niet dat …", "het is
# niet zo dat …"), or the clause is the subject of a denial after it ("dat … lui zouden zijn is
# complete onzin", "… klopt niet"). The reading stops at a clause boundary, so "ik zeg niet dat
# ze tuig zijn, maar …" still reads what follows "maar" as said.
_CLAUSE_BOUNDARIES = frozenset({",", ";", ":", ".", "!", "?", "maar", "want", "en"})
_BEFORE_DAT = frozenset({"zo", "waar", "eens"})  # "niet zo dat", "niet waar dat"
_DENIALS = frozenset({"onzin", "gelul", "kletskoek", "nonsens", "lariekoek", "bullshit", "fabel",
                      "mythe", "leugen", "flauwekul"})
_DENIAL_FILLERS = _INTENSIFIERS | {"is", "zijn", "complete", "totale", "grote", "grootste",
                                   "gewoon", "een", "de", "pure", "je", "reinste", "natuurlijk"}


def _clause_before(words_before: Sequence[str]) -> list[str]:
    """The words of the hostile word's own clause before it (lower case, nearest last)."""
    start = max((i + 1 for i, w in enumerate(words_before) if w in _CLAUSE_BOUNDARIES), default=0)
    return list(words_before[start:])


# "niet …, maar wel …" takes back only part of the denial: "ik zeg niet dat alle … criminelen
# zijn, maar de meesten wel" says most are.
_HEDGES = frozenset({"wel", "meeste", "meesten", "veel", "vaak", "meestal", "hoop"})


def _hedged(words_after: Sequence[str]) -> bool:
    """Whether "maar" after the clause brings back part of what was denied."""
    if "maar" not in words_after:
        return False
    rest = words_after[words_after.index("maar") + 1:]
    return any(w in _HEDGES for w in rest[:5])


def is_denied_clause(words_before: Sequence[str], words_after: Sequence[str]) -> bool:
    """Whether a hostile word stands in a "dat" clause that its sentence denies: after "niet
    dat" / "nooit dat" (with "zo", "waar" or intensifiers between) and not taken back in part
    ("…, maar de meesten wel"), or in a clause that opens with "dat" and is called nonsense or
    untrue right after it."""
    clause = _clause_before(words_before)
    for i, word in enumerate(clause):
        if word != "dat":
            continue
        j = i - 1
        while j >= 0 and (clause[j] in _INTENSIFIERS or clause[j] in _BEFORE_DAT):
            j -= 1
        if j >= 0 and clause[j] in _NEGATORS:
            return not _hedged(words_after)
    if not clause or clause[0] != "dat":
        return False
    after: list[str] = []
    for word in words_after:
        if word in _CLAUSE_BOUNDARIES - {"en"}:
            break
        after.append(word)
    for k, word in enumerate(after):
        if word in _DENIALS and all(w in _DENIAL_FILLERS for w in after[max(0, k - 3):k]):
            return True
        rest = [w for w in after[k + 1:k + 4] if w not in _DENIAL_FILLERS]
        if word == "klopt" and rest[:1] and rest[0] in {"niet", "niks", "geen"}:
            return True
        if word == "niet" and rest[:1] == ["waar"]:
            return True
    return False


# Dutch main clauses put "niet" after the object: "ik haat {groep} niet", "ik haat ze echt
# niet". A verb of hatred with "niet" or "nooit" after its object denies the hatred. The object is
# at most three words and no clause of its own ("ik haat moslims die niet willen werken" hates),
# and "niet alleen" / "niet normaal" intensify rather than deny ("ik haat ze niet normaal").
_HATE_VERBS = frozenset({"haat", "haten", "veracht", "verachten", "verafschuw", "verafschuwen"})
_OBJECT_ENDS = _CLAUSE_BOUNDARIES | {"die", "dat", "wie", "welke", "omdat", "als", "of", "zodat"}
_NOT_DENIALS = frozenset({"alleen", "normaal", "zomaar", "zo", "half", "minder", "genoeg"})


def _outbid(rest: Sequence[str]) -> bool:
    """Whether the words after the negation take the hatred up again in a stronger verb ("ik
    haat ze niet, ik verafschuw ze"), unless that verb's object is hatred itself ("…, ik haat
    racisten")."""
    for j, word in enumerate(rest[:10]):
        if word in _CONTEMPT_VERBS and not is_aimed_at_hatred([word], rest[j + 1:]):
            return True
    return False


def is_negated_after_verb(words_inside: Sequence[str], words_after: Sequence[str]) -> bool:
    """Whether a cue that ends in a verb of hatred (its words `words_inside`, lower case) is
    denied by a negation after its object (`words_after`, lower case, nearest first)."""
    if not words_inside or words_inside[-1] not in _HATE_VERBS:
        return False
    for k, word in enumerate(words_after[:5]):
        if word in _NEGATORS:
            rest = [w for w in words_after[k + 1:] if w not in _INTENSIFIERS]
            return k >= 1 and not (rest and rest[0] in _NOT_DENIALS) and not _outbid(rest)
        if word in _INTENSIFIERS:
            continue
        if (word in _OBJECT_ENDS and not (k == 0 and word in {"die", "dat"})) or k >= 3:
            return False
    return False


# A hostile claim put as a question and answered with a denial ("{groep} zijn niet te
# vertrouwen? onzin", "moeten ze het land uit? nee, natuurlijk niet") is denied, not asked.
_ANSWERS_NO = _DENIALS | {"nee", "welnee", "neen", "neuh"}
_INTERJECTIONS = frozenset({"ach", "joh", "hoor", "man", "echt", "natuurlijk", "tuurlijk"})


# "nee, erger" outbids the question rather than denying it.
_ESCALATIONS = frozenset({"erger", "slechter", "viezer", "gevaarlijker", "meer"})


def is_answered_no(words_after_question: Sequence[str]) -> bool:
    """Whether the words after a question mark (lower case, nearest first) deny it."""
    rest = [w for w in words_after_question[:6] if w not in _INTERJECTIONS and w != ","]
    return bool(rest) and rest[0] in _ANSWERS_NO and not _ESCALATIONS.intersection(rest[1:4])


# Contempt aimed at racists or at hatred itself ("ik walg van racisten", "ik haat al die haat")
# rejects hostility: counter-speech (docs/annotation.md, polarising).
_HATRED_WORDS = frozenset({"racisme", "discriminatie", "haat", "haters", "haatzaaiers",
                           "xenofobie", "vreemdelingenhaat", "antisemitisme", "homohaat"})
_CONTEMPT_VERBS = _HATE_VERBS | {"walg", "walgen", "kots", "kotsen", "spuug", "spuugt", "spugen",
                                 "hekel"}
_DETERMINERS = frozenset({"al", "alle", "die", "de", "het", "dat", "deze", "zulke", "zo'n"})


def is_aimed_at_hatred(words_inside: Sequence[str], words_after: Sequence[str]) -> bool:
    """Whether a verb of contempt (its cue's words `words_inside`, lower case) has racists or
    hatred as its object (`words_after`, lower case, nearest first). A predicate is no object:
    "{groep} zijn allemaal racisten" is hostility."""
    if not _CONTEMPT_VERBS.intersection(words_inside):
        return False
    rest = [w for w in words_after[:4] if w not in _DETERMINERS]
    # The noun, not the adjective: "ik kots op die racistische {groep}" is hostility.
    return bool(rest) and (rest[0] in _HATRED_WORDS or rest[0] in {"racist", "racisten"})


# Violence said under a negation ("we gaan hem niet opwachten", "schiet hem niet neer", "geen
# stenen") is a call not to use it, which is no threat (docs/annotation.md, threat): its cue counts
# as a warning. The nearest word decides, as for hostility, so "als je niet oprot, steek ik je
# neer" stays a threat.
VIOLENCE_KINDS = frozenset({"threat", "lex_violence"})


def is_violence_negated(words_before: Sequence[str], words_inside: Sequence[str]) -> bool:
    """Whether a violence cue (its words `words_inside`, lower case) follows a negation, is
    "geen" + the violence ("geen stenen"), or holds the negation in its gap ("schiet hem niet
    neer")."""
    if is_negated(words_before) or (words_before and words_before[-1] == "geen"):
        return True
    return any(w in _NEGATORS for w in words_inside[1:-1])
