"""Place gazetteer: loads nlp/data/places.tsv and matches places exactly and fuzzily.

Exact matches go through spaCy token patterns (see pipeline.py). Fuzzy matching is for
misspellings ("Kruidewijk", "Stadhuisplijn"); it only considers tokens that look like names
(long enough, not a common word) and is cached per token, so a stream of posts costs one
rapidfuzz lookup per distinct unknown word rather than one per token pair. The similarity itself
is `nlp.place_match`, the one fuzzy place matcher (the register uses it too).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from nlp.place_match import closest_known

PLACES_TSV = Path(__file__).resolve().parent / "data" / "places.tsv"

# Words shorter than this are never fuzzy-matched: short words collide too easily.
FUZZY_MIN_LEN = 7

# Frequent Dutch words that sit close to a place name; a fuzzy match on them would be noise.
_COMMON = frozenset(
    [
        "almeerder", "almeerders", "almeerse", "amsterdammer", "amsterdammers", "amsterdamse",
        "haagse", "utrechtse", "rotterdamse", "stadhuis", "gemeentehuis", "gemeente", "stations",
        "station", "centrum", "centraal", "parkeren", "parkeerplaats", "parkwachter", "waterkant",
        "waterpolo", "muziekles", "muzikant", "literatuur", "steden", "kruiden", "kruidenier",
        "bloemen", "molenaar", "eilanden", "seizoenen", "regenboog", "landgoed", "markten",
        "marktplein", "esplanades", "vaarten", "straten", "verzetten"
    ]
)


_DERIVED_SUFFIXES = frozenset({"s", "se", "e", "er", "ers", "en", "ense", "enaar", "enaren", "ig"})


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    canonical: str
    kind: str
    district: str | None
    in_almere: bool
    aliases: tuple[str, ...]
    case_sensitive: bool


@cache
def load_places(path: Path = PLACES_TSV) -> tuple[PlaceEntry, ...]:
    rows: list[PlaceEntry] = []
    with path.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
            canonical = row["canonical"].strip()
            if canonical not in aliases:
                aliases = (canonical, *aliases)
            rows.append(
                PlaceEntry(
                    canonical=canonical,
                    kind=row["kind"].strip(),
                    district=row["district"].strip() or None,
                    in_almere=row["in_almere"].strip().lower() == "true",
                    aliases=aliases,
                    case_sensitive=row["match"].strip() == "cs",
                )
            )
    return tuple(rows)


@cache
def by_canonical() -> dict[str, PlaceEntry]:
    return {p.canonical: p for p in load_places()}


@cache
def _fuzzy_index() -> tuple[list[str], list[str]]:
    """Lower-cased alias keys (spaces removed) usable for fuzzy matching, with their canonical."""
    keys: list[str] = []
    canon: list[str] = []
    for place in load_places():
        if place.case_sensitive:
            # Case-sensitive names are also ordinary words; fuzzing them invites false hits.
            continue
        for alias in place.aliases:
            key = alias.lower().replace(" ", "").replace("-", "")
            if len(key) >= FUZZY_MIN_LEN and key.isalpha():
                keys.append(key)
                canon.append(place.canonical)
    return keys, canon


def fuzzy_candidate(word: str) -> bool:
    """Cheap gate before any rapidfuzz call."""
    return len(word) >= FUZZY_MIN_LEN and word.isalpha() and word.lower() not in _COMMON


@lru_cache(maxsize=65536)
def fuzzy_lookup(word: str) -> str | None:
    """Canonical name of the place `word` is a likely misspelling of, or None."""
    key = word.lower().replace("-", "")
    if not fuzzy_candidate(key):
        return None
    keys, canon = _fuzzy_index()
    best = closest_known(key, keys)
    if best is None:
        return None
    alias, idx = best
    if alias == key:
        return canon[idx]
    # Inflections and derived words ("Amsterdamse", "Almeerder") are not place mentions.
    if key.startswith(alias) and key[len(alias):] in _DERIVED_SUFFIXES:
        return None
    if key[0] != alias[0] or abs(len(key) - len(alias)) > 2:
        return None
    return canon[idx]


# Kinds of place whose district in places.tsv is a default rather than a fact: an institution
# such as "Azc Almere" or "Politiebureau Almere" may stand in any district, so a district or
# neighbourhood named in the same text ("het azc in Almere Poort") tells where it is.
DEFAULT_DISTRICT_KINDS = frozenset({"building", "landmark"})

_AREA_KINDS = frozenset({"district", "neighbourhood"})


@cache
def _area_patterns() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, dict[str, str]]:
    """Regexes over the aliases of Almere's districts and neighbourhoods (case-insensitive and
    case-sensitive ones apart), and alias -> district."""
    district_of: dict[str, str] = {}
    ci: list[str] = []
    cs: list[str] = []
    for place in load_places():
        if not (place.in_almere and place.kind in _AREA_KINDS and place.district):
            continue
        for alias in place.aliases:
            key = alias if place.case_sensitive else alias.lower()
            district_of.setdefault(key, place.district)
            (cs if place.case_sensitive else ci).append(re.escape(alias))

    def compile_(names: list[str], flags: int) -> re.Pattern[str] | None:
        if not names:
            return None
        alts = "|".join(sorted(set(names), key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", flags)

    return compile_(ci, re.IGNORECASE), compile_(cs, 0), district_of


def district_named_in(text: str) -> str | None:
    """The Almere district of the first district or neighbourhood named in `text` ("het azc in
    Almere Poort" -> "Almere Poort", "bij De Werven" -> "Almere Haven"), or None.

    For a place whose gazetteer district is only a default (DEFAULT_DISTRICT_KINDS): the
    entity ruler may have read "azc in Almere" as one name and so never reported "Almere Poort"
    as a place of its own."""
    ci, cs, district_of = _area_patterns()
    hits: list[tuple[int, str]] = []
    if ci is not None and (m := ci.search(text)):
        hits.append((m.start(), district_of[m.group(0).lower()]))
    if cs is not None and (m := cs.search(text)):
        hits.append((m.start(), district_of[m.group(0)]))
    return min(hits)[1] if hits else None
