"""Negation and counter-speech in the features (issue 12: negated hostility and counter-speech are
No). In the n-grams, the words after a negator, to the end of their clause, become words of their
own; what comes before, and the next clause, stay as written. In the cue features, a denied
hostile word is a negation and naming abuse as an act is counter-speech."""

from __future__ import annotations

import pytest

from nlp.cue_context import HOSTILE_PREDICATE_KINDS, VIOLENCE_KINDS
from nlp.features import EXTRA_FEATURES, extra_vector, mark_negation_scope
from nlp.pipeline import Analysis, analyse


@pytest.mark.parametrize(("text", "marked"), [
    ("groepsterm zijn geen tuig, hou op", "groepsterm zijn geen n_tuig, hou op"),
    ("ik zeg niet dat alle groepsterm tuig zijn",
     "ik zeg niet n_dat n_alle n_groepsterm n_tuig n_zijn"),
    ("het is niet zo dat ze hier niet horen", "het is niet n_zo n_dat n_ze n_hier n_niet n_horen"),
    ("neem geen stenen mee, maar wel een spandoek",
     "neem geen n_stenen n_mee, maar wel een spandoek"),
    ("niemand slaat iemand. we lopen rustig", "niemand n_slaat n_iemand. we lopen rustig"),
    ("geen geweld maar een feest", "geen n_geweld maar een feest"),
])
def test_words_after_a_negator_are_marked_to_the_clause_end(text: str, marked: str) -> None:
    assert mark_negation_scope(text) == marked


@pytest.mark.parametrize("text", [
    "groepsterm horen hier niet",  # the negator ends the clause: nothing after it
    "zaterdag 14:00 iedereen naar het plein",
    "een nietsnut, geenszins een held",  # negators are whole words
])
def test_text_without_words_after_a_negator_is_unchanged(text: str) -> None:
    assert mark_negation_scope(text) == text


def test_quoted_words_keep_their_own_mark() -> None:
    marked = mark_negation_scope("niet citaat q_ze q_moeten q_weg")
    assert marked == "niet n_citaat q_ze q_moeten q_weg"


def _combined(analysis: Analysis) -> dict[str, float]:
    return dict(zip(EXTRA_FEATURES, extra_vector(analysis), strict=True))


# The cue features: a hostile word said under a negation counts as a negation, not as hostility
# (nlp.cue_context.is_negated), so that "x:hostile_group_voiced" does not fire on a denial.
@pytest.mark.parametrize("text", [
    "Marokkanen zijn geen ongedierte, het zijn gewoon buren",
    "ik vind joden helemaal niet minderwaardig",
    "Polen zijn echt niet allemaal tuig",
    "homo's zijn nooit achterlijk geweest",
    # An intensifier between the copula and "geen" (until 2026-12-07 read as hostility).
    "Surinamers zijn helemaal geen tuig, dat weet iedereen hier",
    "statushouders zijn absoluut geen parasieten",
    # In a "dat" clause the sentence denies (2026-12-07): on a negated verb, or called untrue.
    "ik zeg echt niet dat alle moslims tuig zijn",
    "ik denk niet dat Polen minderwaardig zijn",
    "het is niet zo dat joden tuig zijn",
    "dat Marokkanen tuig zijn klopt gewoon niet",
    "dat Turken minderwaardig zijn is je reinste onzin",
    # The negation after the object, as Dutch main clauses put it (2026-12-07, sixteenth session).
    "ik haat moslims niet",
    "ik haat die Polen echt niet hoor",
    "ik haat moslims niet, ik haat racisten",
    "ik verafschuw joden nooit",
    "ik heb geen hekel aan Turken",
    # A hostile question answered with a denial.
    "Marokkanen zijn niet te vertrouwen? onzin",
    "zijn asielzoekers tuig? nee joh",
])
def test_a_denied_hostile_word_is_a_negation_cue(text: str) -> None:
    analysis = analyse([text])[0]
    assert not HOSTILE_PREDICATE_KINDS & set(analysis.cue_counts), analysis.cue_counts
    assert analysis.cue_counts["negation"] >= 1
    features = _combined(analysis)
    assert features["x:hostile_group_voiced"] == 0.0
    assert features["x:group_defended"] == 1.0


@pytest.mark.parametrize(("text", "kind"), [
    ("Marokkanen zijn ongedierte", "lex_dehumanising"),
    ("wij willen geen ongedierte in onze wijk", "lex_dehumanising"),  # "geen" without a copula
    ("zijn die moslims niet gewoon tuig?", "polarising"),  # a rhetorical question
    ("waarom we die asielzoekers niet terugsturen?", "polarising"),
    ("het zijn geen mensen maar beesten", "polarising"),  # the negation is of another word
    ("het zijn echt geen mensen meer, gewoon beesten", "polarising"),
    ("we willen echt geen ongedierte in onze wijk", "lex_dehumanising"),  # no copula
    ("geen kankermarokkanen in mijn straat", "lex_slur"),  # a slur is never negated
    # The denial of a "dat" clause ends at the clause: what follows "maar" is said.
    ("ik zeg niet dat ze tuig zijn, maar het zijn wel profiteurs", "polarising"),
    ("dat ze tuig zijn weet iedereen", "polarising"),  # the clause is not denied
    ("zeg niet dat ze tuig zijn?", "polarising"),  # a rhetorical question
    ("ik zeg niet dat je gek bent en die moslims zijn tuig", "polarising"),
    # "niet …, maar wel …" takes back only part of the denial: a hedge, still hostility.
    ("ik zeg niet dat alle moslims tuig zijn, maar veel wel hoor", "polarising"),
    # A negation after the object that is not the verb's (2026-12-07, sixteenth session): a
    # relative clause, an intensifier, a clause of its own, a hostile answer.
    ("ik haat moslims die niet willen werken", "lex_contempt"),
    ("ik haat moslims niet normaal", "lex_contempt"),
    ("ik haat joden niet alleen, ik walg van ze", "lex_contempt"),
    ("ik haat Polen, niet normaal", "lex_contempt"),
    ("ik haat joden niet half zo erg als moslims", "lex_contempt"),
    ("ik haat moslims niet, ik verafschuw ze", "lex_contempt"),  # outbid, not denied
    ("ik haat al die Turken niet eens zo erg als de rest", "lex_contempt"),
    ("zijn moslims tuig? ja natuurlijk", "polarising"),
    ("zijn moslims ongedierte? nee, erger dan dat", "lex_dehumanising"),  # outbid, not denied
    # Racists as a predicate, not as contempt's object: the group is called racist.
    ("die witte Nederlanders zijn allemaal racisten", "polarising"),
    ("dit soort mensen hoort hier niet", "polarising"),
    # "dat soort taal" can be said by the hostile too: it stays a hostile cue (2026-12-07).
    ("dat soort taal verwacht je van die Marokkanen, tuig", "polarising"),
    ("ik kots op die racistische moslims", "lex_contempt"),  # an adjective, not racists
])
def test_hostility_stays_hostile(text: str, kind: str) -> None:
    assert analyse([text])[0].cue_counts[kind] >= 1


@pytest.mark.parametrize("text", [
    "als je Marokkanen uitscheldt ben je niet welkom in deze groep",
    "raadsleden worden uitgescholden voor 'landverrader'",
    "homo's beledigen is gewoon laf",
    # Verbs that label (2026-12-07), whole and split as Dutch main clauses split them.
    "wie Surinamers uitmaakt voor luiaards weet niet waar hij het over heeft",
    "in dat filmpje worden Syriërs weggezet als profiteurs",
    "ze schilderen statushouders af als criminelen, terwijl ze gewoon werken",
    "die columnist zet Polen steeds weg als dronkenlappen",
    # Contempt whose object is racists or hatred rejects hostility (2026-12-07, sixteenth session).
    "ik walg niet van moslims, ik walg van racisten",
    "ik haat al die haat tegen homo's",
    "ik kots op racisme",
])
def test_naming_abuse_as_an_act_is_a_counter_cue(text: str) -> None:
    analysis = analyse([text])[0]
    assert analysis.cue_counts["counter"] >= 1
    assert _combined(analysis)["x:hostile_group_voiced"] == 0.0


# Violence said under a negation is a call not to use it (docs/annotation.md, threat): its cue
# counts as a warning (nlp.cue_context.is_violence_negated).
@pytest.mark.parametrize("text", [
    "we gaan die wethouder niet opwachten, laat het aan de politie",
    "schiet hem niet neer, praat erover",  # the negator inside the cue's gap
    "neem geen stenen mee",  # "geen" right before the violence
    "niet schieten!",
])
def test_violence_under_a_negation_is_a_warning_cue(text: str) -> None:
    counts = analyse([text])[0].cue_counts
    assert not VIOLENCE_KINDS & set(counts), counts
    assert counts["warning"] >= 1


@pytest.mark.parametrize("text", [
    "als je niet oprot steek ik je neer",  # the negation belongs to another clause
    "waarom schieten we ze niet gewoon neer?",  # a rhetorical question
    "we gaan niet praten, we gaan slopen",
    "ik steek je neer",
])
def test_a_threat_with_a_negation_elsewhere_stays_a_threat(text: str) -> None:
    assert analyse([text])[0].cue_counts["threat"] >= 1


# Fireworks are set off by the whole city on New Year's Eve: "vuurwerk" is a threat cue only when
# aimed at someone or something (2026-12-07).
@pytest.mark.parametrize(("text", "aimed"), [
    ("vuurwerk afschieten bij de haven vanavond", False),
    ("mijn hond is doodsbang van al dat vuurwerk", False),
    ("gooi vuurwerk naar de ME", True),
    ("vuurwerk door de brievenbus van die wethouder", True),
    ("vuurwerk richting de politie, allemaal", True),
    ("vuurwerk afsteken op het strand", False),  # "op" must follow "vuurwerk" itself
])
def test_fireworks_are_a_threat_cue_only_when_aimed(text: str, aimed: bool) -> None:
    assert ("threat" in analyse([text])[0].cue_counts) is aimed


@pytest.mark.parametrize("text", [
    # Split verbs of killing and images of it (2026-12-07, sixteenth session).
    "wie helpt me die asielzoekers neer te steken?", "tijd om ze uit te roeien",
    "wat mij betreft gaan ze de oven in", "die hele raad aan de galg",
    "niemand houdt me tegen, ik knal die agent neer",
])
def test_violence_the_cues_name_is_a_threat_cue(text: str) -> None:
    assert analyse([text])[0].cue_counts["threat"] >= 1


@pytest.mark.parametrize("text", [
    "het werk af te maken voor vrijdag", "de was op te hangen", "om een lamp op te hangen",
    "ze zijn bezig het land kapot te maken", "we gaan de gaskamer in het museum bekijken",
    "we knallen om 12 uur het vuurwerk af",
])
def test_split_verbs_everyday_dutch_uses_are_no_threat_cue(text: str) -> None:
    assert "threat" not in analyse([text])[0].cue_counts
