"""Place and time matching: whether two mentions can name one gathering.

Pure functions over canonical place names (the gazetteer) and extracted event times; no
database. The windows that decide what counts as "the same gathering" live here too.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from nlp.gazetteer import DEFAULT_DISTRICT_KINDS, PlaceEntry, by_canonical, district_named_in
from nlp.vocabulary import ALMERE_DISTRICTS, TZ
from signals.wording import time_precision

# Signals quiet for longer than this no longer collect copies; a call that resurfaces later
# becomes a new signal and is looked at afresh.
CLUSTER_WINDOW = timedelta(days=14)
# Two calls at one canonical place whose event times lie this close are one gathering.
SAME_GATHERING = timedelta(hours=3)
# Copies that give their time in the same words and arrive this close together are one moment.
SAME_WORDS_SPAN = timedelta(days=3)
# Gazetteer kinds too coarse to identify a gathering place on their own.
COARSE_KINDS = frozenset({"city", "district", "region", "province", "country", "municipality"})


def place_entry(canonical: str) -> PlaceEntry | None:
    return by_canonical().get(canonical)


def place_kind(canonical: str) -> str | None:
    entry = place_entry(canonical)
    return entry.kind if entry else None


def compatible_places(a: str, b: str) -> bool:
    """Whether two canonical places can name one gathering: equal, or a coarse place (the city,
    a district) that contains the other ("Almere Stad" and "Grote Markt", not "Almere Haven")."""
    if a == b:
        return True
    ea, eb = place_entry(a), place_entry(b)
    if ea is None or eb is None:
        return False
    coarse_a, coarse_b = ea.kind in COARSE_KINDS, eb.kind in COARSE_KINDS
    if not (coarse_a or coarse_b):
        return False  # two specific places: two gatherings
    for wide, narrow in ((ea, eb), (eb, ea)):
        if wide.kind not in COARSE_KINDS:
            continue
        if wide.kind == "city" and wide.in_almere and narrow.in_almere:
            return True
        if wide.district and wide.district == narrow.district:
            return True
    return False


def main_place(places: list[Any], text: str = "") -> tuple[str | None, str | None]:
    """The most specific place of a post and its Almere district: a square or street beats a
    district or the city. A district or neighbourhood named in the text beats the default
    district of a landmark ("het azc in Almere Poort" is in Almere Poort). A place outside
    Almere has no district."""
    usable = [p for p in places if isinstance(p, dict) and p.get("canonical")]
    if not usable:
        return None, None
    ranked = sorted(
        enumerate(usable),
        key=lambda ip: (
            (place_kind(ip[1]["canonical"]) or "") in COARSE_KINDS,
            not ip[1].get("in_almere", False),
            ip[0],
        ),
    )
    best = ranked[0][1]
    if best.get("in_almere") is False:
        # A gathering elsewhere ("Dam", "Malieveld") has no Almere district; the gazetteer's
        # district column there names the city, which is no district of Almere.
        return best["canonical"], None
    district = best.get("district")
    if not district or place_kind(best["canonical"]) in DEFAULT_DISTRICT_KINDS:
        # "Stadhuis Almere" has no district of its own, but "Almere Stad" next to it does.
        named = named_district(usable, best) or (district_named_in(text) if text else None)
        district = (
            named
            or district
            or next(
                (p.get("district") for p in usable if p.get("district") and p.get("in_almere")),
                None,
            )
        )
    return best["canonical"], district if district in ALMERE_DISTRICTS else None


def named_district(usable: list[dict], best: dict) -> str | None:
    """The Almere district of a district or neighbourhood named next to the main place."""
    for place in usable:
        if place is best or not place.get("in_almere") or not place.get("district"):
            continue
        if place_kind(place["canonical"]) in ("district", "neighbourhood"):
            return str(place["district"])
    return None


_DAY = re.compile(
    r"(maan|dins|woens|donder|vrij|zater|zon)dag|\b(ma|di|wo|do|vr|za|zo)\b|vandaag|morgen|"
    r"vanavond|vannacht|vanmiddag|vanochtend|weekend|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|today|tonight|tomorrow|\d{1,2}\s*[-/]\s*\d{1,2}|"
    r"\d{1,2}\s+(jan|feb|mrt|maa|apr|mei|jun|jul|aug|sep|okt|oct|nov|dec)",
    re.I,
)


def names_day(event_time_text: str | None) -> bool:
    """Whether the time as written names its day. "13:00" alone does not: the NLP layer then
    assumes a day, which for a copy with a misspelt weekday ("dnisdag 13:00") is a guess."""
    return bool(_DAY.search(event_time_text or ""))


def same_time(a: datetime, a_text: str | None, b: datetime, b_text: str | None) -> bool:
    """Whether two extracted event times can be the same gathering."""
    pa, pb = time_precision(a_text), time_precision(b_text)
    if pa == pb and pa > 0:
        return abs(a - b) <= SAME_GATHERING
    if pa > 0 and pb > 0:
        # A part of the day against a clock time: "zaterdagavond" (put at 20:00) is 18:00 or
        # 22:00, but not 14:00.
        return abs(a - b) <= SAME_GATHERING + timedelta(hours=1)
    return a.astimezone(TZ).date() == b.astimezone(TZ).date()


def same_clock(a: datetime, b: datetime) -> bool:
    """Same time of day within the window, whatever the day."""
    la, lb = a.astimezone(TZ), b.astimezone(TZ)
    diff = abs((la.hour * 60 + la.minute) - (lb.hour * 60 + lb.minute))
    return min(diff, 24 * 60 - diff) <= SAME_GATHERING.total_seconds() / 60


def time_rank(event_time_text: str | None) -> tuple[bool, int]:
    return names_day(event_time_text), time_precision(event_time_text)
