"""How an explanation's feature name reads for an analyst, in Dutch.

The classifier explains a score with feature names ("w:vanavond", "cue:mobilise",
"x:mobilise_when_where", "e5:zinsbetekenis"); they stay as they are in the JSON contract and
in the database. The screen shows what each one means instead of the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from nlp.placeholders import GROUP_TOKEN, PLACE_TOKEN, QUOTE_TOKEN, SLUR_TOKEN, URL_TOKEN

# Keyed by the feature name: the cue kinds share some names with the labels.
CUE_NL: Final[Mapping[str, str]] = MappingProxyType({
    "cue:mobilise": "oproepwoorden",
    "cue:topic_protest": "protestwoorden",
    "cue:topic_gov": "overheid genoemd",
    "cue:topic_group": "groep genoemd",
    "cue:announced": "aanmelding of vergunning genoemd",
    "cue:threat": "dreigende woorden",
    "cue:anti_gov": "woorden tegen de overheid",
    "cue:polarising": "polariserende woorden",
    "cue:report": "verslaggeving",
    "cue:news": "nieuwstaal",
    "cue:event": "evenement",
    "cue:warning": "waarschuwing",
    "cue:counter": "tegenspraak",
    "cue:online": "online actie",
    "cue:private": "privéplan",
    "cue:playful": "scherts",
    "cue:almere_tag": "#almere of 036",
    "cue:negation": "ontkenning",
    "cue:headcount": "aantal mensen genoemd",
    "cue:institutional": "taal van een instelling",
    "cue:lex_slur": "scheldwoord voor een groep (woordenlijst)",
    "cue:lex_dehumanising": "ontmenselijkende beeldspraak (woordenlijst)",
    "cue:lex_violence": "geweldswoord (woordenlijst)",
    "cue:lex_contempt": "minachting (woordenlijst)",
})

COMBINED_NL: Final[Mapping[str, str]] = MappingProxyType({
    "quoted_share": "deel van de tekst is een citaat",
    "question": "vraagvorm",
    "x:threat_gov": "dreiging en overheid samen",
    "x:mobilise_when_where": "oproep met tijd of plaats",
    "x:mobilise_report": "oproep in verslaggeving",
    "x:polarising_group": "polariserende woorden over een groep",
    "x:polarising_counter": "polariserende woorden met tegenspraak",
    "x:threat_group": "dreiging en groep samen",
    "x:mobilise_almere": "oproep in Almere",
    "x:threat_playful": "dreigende woorden als scherts",
    "x:mobilise_news": "oproepwoorden in nieuwstaal",
    "x:mobilise_event": "oproepwoorden bij een evenement",
    "x:event_no_protest": "evenement zonder protest",
    "x:news_no_first_person": "nieuwstaal zonder wij of jullie",
    "x:hostile_group": "vijandigheid tegen een groep",
    "x:hostile_group_voiced": "vijandigheid tegen een groep, niet geciteerd of ontkend",
    "x:hostile_negated": "vijandige woorden met ontkenning",
    "x:violence_group": "geweld en groep samen",
    "x:violence_gov": "geweld en overheid samen",
    "x:when_where_terse": "korte tekst met alleen tijd en plaats",
    "x:headcount_when_where": "aantal mensen met tijd of plaats",
    "x:institutional_gov": "instelling die over de overheid spreekt",
    "x:group_defended": "groep genoemd met ontkenning of tegenspraak",
})

# Placeholders of the normaliser (nlp.features): the masked word, not the placeholder.
PLACEHOLDER_NL: Final[Mapping[str, str]] = MappingProxyType({
    GROUP_TOKEN: "[een groep]",
    PLACE_TOKEN: "[een plaats]",
    SLUR_TOKEN: "[scheldwoord voor een groep]",
    URL_TOKEN: "[een link]",
    QUOTE_TOKEN: "[citaat]",
})

# The sentence embedding's share of a stage-2 score ("e5:zinsbetekenis", nlp.model.EMBEDDING_TERM).
EMBEDDING_NL: Final = "betekenis van de hele zin"


def _words(phrase: str) -> str:
    out = []
    for word in phrase.split():
        if word.startswith("q_"):
            out.append(f"{word[2:]} (geciteerd)")
        else:
            out.append(PLACEHOLDER_NL.get(word, word))
    return " ".join(out)


def term_nl(name: str) -> str:
    """The Dutch reading of one explanation feature."""
    kind, _, rest = name.partition(":")
    if kind == "w" and rest:
        return f"„{_words(rest)}”"
    if kind == "c" and rest:
        return f"lettergroep „{rest.strip()}”"
    if kind == "cue" and rest:
        return CUE_NL.get(name, rest.replace("_", " "))
    if kind == "e5":
        return EMBEDDING_NL
    return COMBINED_NL.get(name, name.replace("x:", "").replace("_", " "))
