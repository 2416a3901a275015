"""A report read by the same NLP as a post: place from the gazetteer, time from the time grammar
(`nlp.timeexpr`), labels and evidence from the classifier (`nlp.enrich`).

The form asks where and when in fields of their own; those win over a place or time the NLP
finds in the description, which is only the fallback ("vrijdagavond bij winkelcentrum Haven"
written in the description with the where-field left empty)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import nlp
from nlp.gazetteer import by_canonical, load_places
from nlp.model_files import model_dir_in_use
from nlp.timeexpr import TimeExpr, event_time
from nlp.vocabulary import ALMERE_DISTRICTS, TZ
from signals.config import get_settings
from signals.dates_nl import DAYS_NL, MONTHS_NL
from signals.wording import CLOCK, PART_OF_DAY, hour_as_written

# Places too coarse to meet a gathering on their own (a report "in Almere" names no spot).
_COARSE = frozenset({"city", "district", "region", "province", "country", "municipality"})


@dataclass(frozen=True, slots=True)
class WhenReading:
    """The moment the time grammar read from the reporter's words, and how it is shown back."""

    value: datetime
    text: str  # the words it was read from
    has_clock: bool
    shown: str  # "zaterdag 12 december, 14:00"


def describe(moment: datetime, has_clock: bool = True) -> str:
    """A moment in plain Dutch, Almere time: "zaterdag 12 december, 14:00"."""
    local = moment.astimezone(TZ)
    day = f"{DAYS_NL[local.weekday()]} {local.day} {MONTHS_NL[local.month - 1]}"
    if local.year != datetime.now(TZ).year:
        day += f" {local.year}"
    hour = hour_as_written(local, CLOCK if has_clock else PART_OF_DAY)
    return f"{day}, {hour}" if hour else f"{day} (geen tijd genoemd)"


def _as_reading(found: TimeExpr) -> WhenReading:
    shown = describe(found.value, found.has_clock)
    return WhenReading(found.value, found.text, found.has_clock, shown)


def read_when(text: str, now: datetime) -> WhenReading | None:
    """The reporter's "when" read with the NLP's time grammar, relative to now."""
    found = event_time(text or "", now)
    return _as_reading(found) if found is not None else None


@cache
def place_names() -> tuple[str, ...]:
    """Almere's places for the form's suggestions (<datalist>), specific places first."""
    places = [p for p in load_places() if p.in_almere]
    places.sort(key=lambda p: (p.kind in _COARSE, p.canonical.casefold()))
    return tuple(dict.fromkeys(p.canonical for p in places))


@dataclass(frozen=True, slots=True)
class PlaceReading:
    canonical: str | None
    district: str | None
    in_almere: bool | None


def _alias_match(text: str) -> str | None:
    wanted = " ".join(text.split()).casefold()
    for place in load_places():
        for alias in place.aliases:
            if (alias if place.case_sensitive else alias.casefold()) == (
                " ".join(text.split()) if place.case_sensitive else wanted
            ):
                return place.canonical
    return None


def _best(places: list[Any]) -> str | None:
    """The most specific place named: a square or street beats a district or the city, a
    place in Almere beats one elsewhere, the first named beats later ones."""
    usable = [p for p in places if getattr(p, "canonical", None)]
    if not usable:
        return None
    lookup = by_canonical()

    def rank(ip: tuple[int, Any]) -> tuple[bool, bool, int]:
        entry = lookup.get(ip[1].canonical)
        return (entry is None or entry.kind in _COARSE, not ip[1].in_almere, ip[0])

    return sorted(enumerate(usable), key=rank)[0][1].canonical


def _place(canonical: str | None) -> PlaceReading:
    entry = by_canonical().get(canonical) if canonical else None
    if entry is None:
        return PlaceReading(None, None, None)
    district = entry.district if entry.in_almere and entry.district in ALMERE_DISTRICTS else None
    return PlaceReading(entry.canonical, district, entry.in_almere)


def is_specific(canonical: str | None) -> bool:
    entry = by_canonical().get(canonical) if canonical else None
    return entry is not None and entry.kind not in _COARSE


@dataclass(slots=True)
class ReportReading:
    """What the NLP made of one report."""

    place: PlaceReading
    when: WhenReading | None
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    model_version: str | None = None

    @property
    def p_by_label(self) -> dict[str, float]:
        return {name: float(score.get("p", 0.0)) for name, score in self.labels.items()}

    def columns(self) -> dict[str, Any]:
        """The reading as the report row stores it (signals.db.partner_models.PartnerReport)."""
        return {
            "place": self.place.canonical, "district": self.place.district,
            "in_almere": self.place.in_almere,
            "event_time": self.when.value if self.when else None,
            "event_time_text": self.when.text if self.when else None,
            "labels": self.labels, "flags": self.flags, "evidence": self.evidence,
            "model_version": self.model_version,
        }


def read_report(what: str, where: str, when: str, now: datetime, *, tag: bool) -> ReportReading:
    """Place, time, labels and evidence of a report. `tag` False (the automated-tagging kill
    switch is off) skips the classifier; place and time are still read, as they are rules."""
    # Imported on use: the spaCy pipeline takes seconds to load, and the web app imports this
    # module with the partner pages whether or not a report is ever read.
    from nlp.pipeline import analyse

    where_analysis, what_analysis = analyse([where or "", what], [now, now])
    canonical = (
        _alias_match(where or "") or _best(where_analysis.places) or _best(what_analysis.places)
    )
    reading = ReportReading(place=_place(canonical), when=read_when(when, now))
    if reading.when is None and what_analysis.time is not None:
        reading.when = _as_reading(what_analysis.time)
    if tag:
        model_dir = model_dir_in_use(get_settings().model_dir)
        result = nlp.enrich([what], published_at=now, model_dir=model_dir)[0]
        reading.labels = {k: {"p": v.p, "flag": v.flag} for k, v in result.labels.items()}
        reading.flags = list(result.flagged)
        reading.evidence = [asdict(e) for e in result.evidence]
        reading.model_version = result.model_version
    return reading
