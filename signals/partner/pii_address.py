"""Street addresses in partner reports: a street with a house number, or a postcode.

A place without a house number ("bij winkelcentrum Haven", "op het Stadhuisplein", "Grote
Markt") is not personal data: reports are about places. What makes an address is the number
that points at one front door. So a street name is only flagged with a house number behind it,
and a number that counts something ("Stadhuisplein 40 jongeren", "Grote Markt 20 minuten") or
tells the time ("Esplanade 20.00") is not a house number.

Three strengths of evidence:
- a word with a street suffix (Dukaatstraat, Hoofdweg, Sluiskade) or an Almere square or street
  from the gazetteer, then a number that does not count or date anything;
- a lower-case street word ("kruidenlaan 12") or another Almere place from the gazetteer, then a
  number that ends the phrase ("... 12, ...", "... 12 in Haven");
- any capitalised name after "op de", "aan de", "woont" ... then such a number ("op de Evenaar
  48 in Almere Stad"), since many Almere streets have no suffix (Kemphaan, Esplanade, Evenaar).
"""

from __future__ import annotations

import re
from functools import cache

from nlp.gazetteer import load_places


def _words(spaced: str) -> frozenset[str]:
    """A set of words written as one string, as a person would list them."""
    return frozenset(spaced.split())


_SUFFIXES = (
    "straat", "straatje", "laan", "weg", "plein", "pleintje", "pad", "kade", "gracht", "dreef",
    "singel", "hof", "markt", "dijk", "steeg", "baan", "drift", "kant", "erf", "wal", "burg",
    "plantsoen", "boulevard", "allee", "passage", "promenade", "ring", "vaart", "oever", "zijde",
    "hoeve", "hove", "gaarde", "akker",
)
_SUFFIX_TUPLE = tuple(sorted(set(_SUFFIXES), key=len, reverse=True))

# Words that end like a street but name no street ("onderweg", "schoolplein 3 keer") or a
# motorway ("Rijksweg 6").
_NOT_STREETS = frozenset(
    {
        "onderweg", "halfweg", "uitweg", "snelweg", "rijksweg", "zijweg", "spoorweg", "fietspad",
        "voetpad", "wandelpad", "schoolplein", "marktplein", "speelplein", "busbaan", "zijstraat",
        "parkeerplein", "autoweg", "hof", "weg", "pad", "baan", "kant", "erf", "wal", "dam",
        "poort", "haven", "park", "ring", "wei", "vaart", "zijde", "oever", "hove", "akker",
        "dreef", "markt", "plein", "laan", "straat", "kade", "gracht", "dijk", "steeg", "singel",
        "rechterkant", "linkerkant", "achterkant", "voorkant", "buitenkant", "binnenkant",
        "zwembad", "stadspark", "jachthaven", "buitenring", "binnenring", "jongerenwerk",
        "havenkom",
    }
)
# Bare suffix words that are street names on their own when capitalised ("Dreef 14", "Markt 3").
_BARE_STREETS = frozenset({"dreef", "markt", "plein", "laan", "kade", "gracht", "dijk", "singel"})

_HOUSE_NUMBER = (
    r"(?:(?:nr\.?|nummer|no\.?|huisnummer)\s*)?"
    r"(?P<num>[1-9]\d{0,3})(?![.:,/]\d|\d)"
    r"(?P<add>\s?-\s?\d{1,4}(?![.:,]\d|\d)|\s?[A-TV-WYZa-tv-wyz](?![\w'’])"
    r"|\s(?:hs|bis|I{1,3}|IV)\b)?"
)

# Counts, units, dates and clock words: the number before them is no house number.
_UNITS = _words(
    """jongeren jongens meiden meisjes mensen man mannen vrouwen personen kinderen leerlingen
    demonstranten deelnemers supporters bezoekers bewoners agenten boa's auto's scooters fietsen
    keer x uur u minuten min seconden sec dagen weken maanden jaar jaren meter m km kilometer
    procent euro tot t/m à a of stuks groepen incidenten meldingen klachten boetes woningen
    huishoudens flats vrijwilligers volgers leden handtekeningen graden over voor na
    januari februari maart april mei juni juli augustus september oktober november december
    jan feb mrt apr jun jul aug sep sept okt nov dec man/vrouw plekken bussen busjes"""
)
# Plurals that count people and things ("2 politiewagens", "30 hangjongeren", "4 relschoppers").
_UNIT_ENDINGS = (
    "'s", "’s", "ers", "jongeren", "mannen", "vrouwen", "kinderen", "meiden", "jongens",
    "agenten", "wagens", "busjes", "mensen", "personen", "vlaggen", "stenen", "flessen",
)
# Words that may follow a house number when the evidence for a street is weaker.
_AFTER_WEAK = _words(
    """in te en is was wonen woont woonde heeft hebben had wil wilde door die daar zegt zei
    meldt meldde belde klaagt klaagde met bij naast tegenover staat stond zijn op"""
)
_NEXT_WORD = re.compile(r"\s*([\w'’/%€]+|[^\w\s])?")

# Capitalised words that are no street even after "op de": calendar, units, common nouns.
_NOT_NAMES = _words(
    """Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag Januari Februari Maart April
    Mei Juni Juli Augustus September Oktober November December Groep Klas Lijn Bus Week Team
    Blok Camera Lokaal Perron Afrit Halte Nummer Kamer Fase Hoofdstuk Artikel Uur Pagina Jaar
    Dag Verdieping Etage Koningsdag Bevrijdingsdag Almere City Ajax Havo Vwo Vmbo Mavo Mbo Hbo
    Leerjaar Stap Niveau Level Seizoen Ronde Route Spoor Poort Haven Buiten Stad Hout"""
)
_CAP = r"[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’-]+"


@cache
def _gazetteer_streets() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Aliases of Almere streets and squares (strong) and other named places (weak)."""
    strong: set[str] = set()
    weak: set[str] = set()
    for place in load_places():
        if not place.in_almere or place.kind in {"city", "district", "station", "road"}:
            continue
        target = strong if place.kind in {"street", "square"} else weak
        target.update(a for a in place.aliases if a[:1].isupper())

    def compile_(names: set[str]) -> re.Pattern[str] | None:
        if not names:
            return None
        alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?P<street>{alts})\s+{_HOUSE_NUMBER}")

    return compile_(strong), compile_(weak)


# Any word before a number; the suffix is checked in Python, which is much faster than letting
# the regex engine try every suffix at every word.
_WORD_NUMBER = re.compile(rf"(?<![\w-])(?P<street>[\wÀ-ÿ'’-]+)\s+{_HOUSE_NUMBER}", re.IGNORECASE)
_CONTEXT_STREET = re.compile(
    r"\b(?i:op|aan|bij|van|naar|woont|wonen|woonde|adres:?)\s+(?i:de\s+|het\s+|'t\s+)?"
    rf"(?P<street>{_CAP}(?:\s+(?:de|der|den|van|het|{_CAP})){{0,3}})\s+{_HOUSE_NUMBER}"
)
_POSTCODE = re.compile(r"(?<![\w-])[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}(?![\w])")
_LEFT_NAME = re.compile(rf"(?<![\w-])(?:{_CAP}\s+){{1,2}}$")
_WORD = re.compile(r"\S+")
_LEFT_STOP = _words(
    "Op Bij In Aan De Het Van Naar Voor Achter Tegenover Naast Langs Over Rond Woont "
    "Huurder Bewoner Bewoonster Buurman Buurvrouw Cliënt Adres Straat Weg Vanaf"
)


def _follow_ok(text: str, end: int, weak: bool) -> bool:
    m = _NEXT_WORD.match(text, end)
    word = (m.group(1) or "") if m else ""
    if not word or not word[0].isalnum():
        return word not in {"-", "%", "€"}
    low = word.lower()
    if low in _UNITS or low.isdigit() or low.endswith(_UNIT_ENDINGS):
        return False
    return low in _AFTER_WEAK if weak else True


def _is_year(num: str, add: str | None) -> bool:
    return not add and len(num) == 4 and num[:2] in {"19", "20"}


def _extend_left(text: str, start: int) -> int:
    """Include the capitalised first words of a street ("Albert Camus|straat")."""
    m = _LEFT_NAME.search(text, max(0, start - 40), start)
    if not m:
        return start
    for w in _WORD.finditer(text, m.start(), start):
        if w.group(0) not in _LEFT_STOP:
            return w.start()
    return start


def _street_hits(text: str) -> list[tuple[int, int]]:
    hits: list[tuple[int, int]] = []
    for m in _WORD_NUMBER.finditer(text):
        street = m.group("street")
        low = street.lower()
        if not low.endswith(_SUFFIX_TUPLE):
            continue
        if low in _NOT_STREETS and not (street[:1].isupper() and low in _BARE_STREETS):
            continue
        if _is_year(m.group("num"), m.group("add")):
            continue
        weak = not street[:1].isupper()
        if _follow_ok(text, m.end(), weak):
            start = m.start() if weak else _extend_left(text, m.start())
            hits.append((start, m.end()))
    strong_rx, weak_rx = _gazetteer_streets()
    for rx, weak in ((strong_rx, False), (weak_rx, True)):
        if rx is None:
            continue
        for m in rx.finditer(text):
            if not _is_year(m.group("num"), m.group("add")) and _follow_ok(text, m.end(), weak):
                hits.append((m.start(), m.end()))
    for m in _CONTEXT_STREET.finditer(text):
        words = m.group("street").split()
        if any(w in _NOT_NAMES or w.lower() in _NOT_STREETS for w in words) \
                or not words[-1][:1].isupper():
            continue
        if _is_year(m.group("num"), m.group("add")):
            continue
        if _follow_ok(text, m.end(), weak=True):
            hits.append((m.start("street"), m.end()))
    return hits


def find_addresses(text: str) -> list[tuple[int, int]]:
    """Spans of street-plus-house-number and postcodes in `text` (may overlap)."""
    hits = _street_hits(text)
    hits.extend((m.start(), m.end()) for m in _POSTCODE.finditer(text))
    return hits
