"""Place names as the register writes them, mapped to the gazetteer's canonical names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nlp.gazetteer import load_places
from nlp.place_match import closest_known, similar_names


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    """Normalised alias -> canonical name, from the NLP gazetteer (the one list of places)."""
    table: dict[str, str] = {}
    for place in load_places():
        for alias in place.aliases:
            table.setdefault(_key(alias), place.canonical)
        table.setdefault(_key(place.canonical), place.canonical)
    return table


@lru_cache(maxsize=4096)
def canonical_place(text: str | None) -> str | None:
    """The gazetteer's canonical name for a place as someone wrote it, tolerating typos and
    extra words ("Stadhuisplijn", "Stadhuisplein, Almere"); None when it is not in the list."""
    if not text or not text.strip():
        return None
    table = _alias_table()
    if not table:
        return None
    whole = _key(text)
    if whole in table:
        return table[whole]
    best = closest_known(whole, list(table))
    if best is not None:
        return table[best[0]]
    # "Stadhuisplein, Almere Stad": try each comma/dash part, most specific (longest) first.
    parts = [p for p in re.split(r"[,;/()]| - ", text) if p.strip()]
    if len(parts) > 1:
        for part in sorted(parts, key=len, reverse=True):
            found = canonical_place(part)
            if found:
                return found
    return None


def same_place(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    ka, kb = _key(a), _key(b)
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    if len(short) >= 8 and short in long_:
        return True  # "Stationsplein" and "Stationsplein Almere"; too short to be a coincidence
    return similar_names(ka, kb)
