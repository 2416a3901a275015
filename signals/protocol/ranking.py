"""Order a protocol's interventions by how well they fit one signal, each with a one-line reason.

Pure: no database, no clock (the caller passes `now`). The rules are documented for analysts in
docs/protocol-ranking.md; keep the two in step.

What the ranking may and may not do (DESIGN.md principle 1): it orders and explains. The only
thing that makes an intervention impossible to choose is the protocol itself (a power that is
pending, struck down or marked not selectable). Everything the system *extracted* (types, place,
time, notification status) and the model's severity only move an intervention up or down: an
extraction can be wrong, and a person who finds the legal conditions met may record the power.

The rules, in the order they are applied:
1. Availability (protocol): pending, unavailable or not selectable -> group "niet beschikbaar".
2. Applicability (signal facts): no shared signal type; a territorial power (category
   interveniëren: it acts on a physical place) when the place is outside Almere; a measure for
   before or during a gathering when the gathering is over -> group "niet van toepassing".
3. Fit: points for the signal's types, the time until the event against the measure's timing,
   the notification status (only in Almere), severity against the protocol's threshold, and a
   contested legal status. A negative point is a reservation -> group "mogelijk"; none ->
   group "past".
Within a group: more points first, then the lighter measure first (subsidiarity: signaleren
before communiceren before interveniëren, a lower protocol threshold before a higher one), then
the protocol's own order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from nlp.vocabulary import CALL, LABEL_NL, LABEL_TITLE, LABELS, NOT_NOTIFIED, NOTIFIED
from signals.protocol.model import Category, Intervention, LegalStatus, Protocol
from signals.records import from_attributes


class Group(IntEnum):
    """The four groups, in the order they are shown."""

    FITS = 0
    POSSIBLE = 1
    NOT_APPLICABLE = 2
    UNAVAILABLE = 3


GROUP_NL: Mapping[Group, str] = {
    Group.FITS: "past",
    Group.POSSIBLE: "mogelijk",
    Group.NOT_APPLICABLE: "niet van toepassing",
    Group.UNAVAILABLE: "niet beschikbaar",
}


class Phase(StrEnum):
    """Where the signal's event stands relative to now."""

    UNKNOWN = "unknown"
    LATER = "later"  # more than SOON ahead
    SOON = "soon"
    NOW = "now"
    PAST = "past"


class Timing(StrEnum):
    """When a measure does its work, derived from its legal basis and category."""

    ANY = "any"  # signaleren: monitoring, informing partners
    BEFORE = "before"  # Wom art. 5, talking and communicating
    DURING = "during"  # Wom art. 6 and 7
    EMERGENCY = "emergency"  # Gemeentewet art. 175 and 176: acute disorder or serious fear of it
    NEAR = "near"  # other coercive measures on a place: when the event is close


SOON = timedelta(hours=48)
STARTS_BEFORE = timedelta(hours=2)  # "now" from two hours before the stated time ...
LASTS = timedelta(hours=4)  # ... to four hours after it

# (pattern on the legal basis, timing). First match wins; otherwise the category decides.
TIMING_BY_BASIS: tuple[tuple[re.Pattern[str], Timing], ...] = (
    (re.compile(r"Gemeentewet\s+art\.?\s*17[56]\b", re.IGNORECASE), Timing.EMERGENCY),
    (re.compile(r"manifestaties\s+art\.?\s*[67]\b", re.IGNORECASE), Timing.DURING),
    (re.compile(r"manifestaties\s+art\.?\s*5\b", re.IGNORECASE), Timing.BEFORE),
)
TIMING_BY_CATEGORY: Mapping[Category, Timing] = {
    Category.SIGNALEREN: Timing.ANY,
    Category.COMMUNICEREN: Timing.BEFORE,
    Category.INTERVENIEREN: Timing.NEAR,
}
# Lighter first (subsidiarity): the category's rank.
WEIGHT: Mapping[Category, int] = {
    Category.SIGNALEREN: 0,
    Category.COMMUNICEREN: 1,
    Category.INTERVENIEREN: 2,
}
_WITHIN_TWO_DAYS = "de bijeenkomst is binnen twee dagen"
_FAR_OFF = "de bijeenkomst is nog ver weg: eerst lichtere middelen"
# Per timing and phase: (points, text). Positive points carry what fits, negative points a
# reservation. A timed measure in the PAST phase is "not applicable" (see _not_applicable).
TIME_FIT: Mapping[Timing, Mapping[Phase, tuple[int, str]]] = {
    Timing.BEFORE: {
        Phase.LATER: (2, "er is nog tijd vóór de bijeenkomst"),
        Phase.SOON: (1, "nog net vóór de bijeenkomst"),
        Phase.NOW: (-2, "komt laat: de bijeenkomst is al bezig"),
    },
    Timing.DURING: {
        Phase.NOW: (2, "voor tijdens de bijeenkomst"),
        Phase.SOON: (1, "voor te bereiden: de bijeenkomst is binnen twee dagen"),
        Phase.LATER: (-1, "pas tijdens de bijeenkomst aan de orde"),
    },
    Timing.EMERGENCY: {
        Phase.NOW: (2, "acuut: de bijeenkomst is bezig"),
        Phase.SOON: (1, _WITHIN_TWO_DAYS),
        Phase.LATER: (-2, _FAR_OFF),
    },
    Timing.NEAR: {
        Phase.NOW: (1, "de bijeenkomst is bezig"),
        Phase.SOON: (1, _WITHIN_TWO_DAYS),
        Phase.LATER: (-1, _FAR_OFF),
    },
}
NOTIFICATION_ADJECTIVE = {NOTIFIED: "aangemelde", NOT_NOTIFIED: "niet-aangemelde"}
UNAVAILABLE_NL: Mapping[LegalStatus, str] = {
    LegalStatus.PENDING: "wetsvoorstel, nog niet in werking",
    LegalStatus.UNAVAILABLE: "door de rechter ongeldig verklaard",
}


@dataclass(frozen=True, slots=True)
class Situation:
    """The facts of one signal that the ranking reads."""

    severity: float
    now: datetime
    types: tuple[str, ...]
    in_almere: bool | None = None
    district: str | None = None
    place: str | None = None
    event_time: datetime | None = None
    notification: str | None = None

    @classmethod
    def of(cls, signal: Any, now: datetime) -> Situation:
        """From a `Signal` row (or anything with its attributes)."""
        return from_attributes(
            cls, signal, types=tuple(signal.types or ()), severity=float(signal.severity or 0.0),
            now=now, notification=signal.notification_status)

    @property
    def primary_type(self) -> str | None:
        """The type that heads the signal's title (LABEL_TITLE's order of precedence)."""
        return next((t for t in LABEL_TITLE if t in self.types), None)

    @property
    def phase(self) -> Phase:
        if self.event_time is None:
            return Phase.UNKNOWN
        ahead = self.event_time - self.now
        if ahead > SOON:
            return Phase.LATER
        if ahead > STARTS_BEFORE:
            return Phase.SOON
        if ahead >= -LASTS:
            return Phase.NOW
        return Phase.PAST

    def notification_counts(self) -> bool:
        """Notification status only means something for a call in Almere (Almere's register)."""
        counted = self.notification in (NOTIFIED, NOT_NOTIFIED)
        return counted and self.in_almere is True and CALL in self.types


@dataclass(frozen=True, slots=True)
class Ranked:
    """One intervention in the ranking. `rank` starts at 1."""

    rank: int
    intervention: Intervention
    group: Group
    score: int
    reason: str  # one line, Dutch
    reservations: tuple[str, ...] = field(default=())

    @property
    def selectable(self) -> bool:
        """Only the protocol can rule a measure out; the ranking never does."""
        return self.group is not Group.UNAVAILABLE

    @property
    def group_nl(self) -> str:
        return GROUP_NL[self.group]


def timing_of(item: Intervention) -> Timing:
    for pattern, timing in TIMING_BY_BASIS:
        if pattern.search(item.legal_basis):
            return timing
    return TIMING_BY_CATEGORY[item.category]


def territorial(item: Intervention) -> bool:
    """A measure on a physical place: only Almere's mayor's to take, and only in Almere."""
    return item.category is Category.INTERVENIEREN


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def time_phrase(situation: Situation) -> str | None:
    """The time until the event in words ("over 2 dagen", "over 5 uur", "die nu plaatsvindt",
    "die al voorbij is"); None when the time is unknown."""
    phase = situation.phase
    if phase is Phase.UNKNOWN or situation.event_time is None:
        return None
    if phase is Phase.NOW:
        return "die nu plaatsvindt"
    if phase is Phase.PAST:
        return "die al voorbij is"
    hours = (situation.event_time - situation.now).total_seconds() / 3600
    if hours < 36:
        return f"over {round(hours)} uur"
    days = round(hours / 24)
    return f"over {days} dag" if days == 1 else f"over {days} dagen"


def place_phrase(situation: Situation) -> str | None:
    if situation.in_almere is False:
        return f"buiten Almere ({situation.place})" if situation.place else "buiten Almere"
    if situation.in_almere and situation.district:
        return f"in {situation.district}"
    if situation.in_almere:
        return "in Almere"
    return None


def describe(situation: Situation) -> str:
    """The signal in a few words: "een niet-aangemelde oproep tot samenkomst over 2 dagen in
    Almere Haven"."""
    primary = situation.primary_type
    noun = LABEL_TITLE[primary].lower() if primary else "signaal"
    words = ["een"]
    if situation.notification_counts():
        words.append(NOTIFICATION_ADJECTIVE[situation.notification])  # type: ignore[index]
    words.append(noun)
    for part in (time_phrase(situation), place_phrase(situation)):
        if part:
            words.append(part)
    return " ".join(words)


def _types_nl(types: tuple[str, ...]) -> str:
    names = [LABEL_NL[t] for t in LABELS if t in types]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _not_applicable(item: Intervention, situation: Situation) -> str | None:
    if not set(item.applies_to) & set(situation.types):
        return f"geldt voor {_types_nl(item.applies_to)}, niet voor dit signaal"
    if territorial(item) and situation.in_almere is False:
        subject = "bijeenkomst" if CALL in situation.types else "plaats"
        return f"{subject} buiten Almere (bevoegdheid van die gemeente)"
    if situation.phase is Phase.PAST and timing_of(item) is not Timing.ANY:
        return "de bijeenkomst is al voorbij"
    return None


def _fit(item: Intervention, situation: Situation) -> tuple[int, list[str], list[str]]:
    """Points, what fits and reservations (Dutch, short) for an applicable, available
    intervention."""
    points, fits, reservations = 0, [], []
    primary = situation.primary_type
    points += 2 if primary in item.applies_to else 1
    timing = timing_of(item)
    fit = TIME_FIT.get(timing, {}).get(situation.phase)
    if fit is not None:
        points += fit[0]
        (fits if fit[0] > 0 else reservations).append(fit[1])
    if situation.notification_counts():
        if situation.notification == NOT_NOTIFIED:
            if item.category is Category.COMMUNICEREN or timing is Timing.BEFORE:
                points += 1
                fits.insert(0, "er is geen vooroverleg via een melding")
        elif item.category is Category.COMMUNICEREN:
            points -= 1
            reservations.append("aangemeld: het contact loopt via de melding")
        elif timing in (Timing.NEAR, Timing.EMERGENCY):
            points -= 1
            reservations.append("aangemeld: eerst het vooroverleg en de Wom-voorschriften")
    if situation.in_almere is False and item.category is Category.SIGNALEREN:
        points += 1
        fits.append("buiten Almere kan Almere volgen en partners informeren")
    if situation.severity >= item.min_severity:
        points += 1
    else:
        points -= 2
        reservations.append(
            f"ernst {_decimal(situation.severity)} ligt onder de protocoldrempel "
            f"{_decimal(item.min_severity)}"
        )
    if item.legal_status is LegalStatus.CONTESTED:
        points -= 1
        reservations.append("omstreden bevoegdheid")
    return points, fits, reservations


def unavailable_reason(item: Intervention) -> str | None:
    """Why the protocol rules the intervention out, or None when it can be chosen."""
    if item.can_be_chosen:
        return None
    return UNAVAILABLE_NL.get(item.legal_status, "volgens het protocol niet te kiezen")


def rank_interventions(protocol: Protocol, situation: Situation) -> list[Ranked]:
    """Every intervention of `protocol`, best fit first, each with its one-line Dutch reason."""
    rows: list[tuple[tuple, Group, int, str, tuple[str, ...], Intervention]] = []
    about = describe(situation)
    for order, item in enumerate(protocol.interventions):
        reservations: tuple[str, ...] = ()
        if (why := unavailable_reason(item)) is not None:
            group, score, reason = Group.UNAVAILABLE, 0, f"niet beschikbaar: {why}"
        elif (why := _not_applicable(item, situation)) is not None:
            group, score, reason = Group.NOT_APPLICABLE, 0, f"niet van toepassing: {why}"
        else:
            score, fits, found = _fit(item, situation)
            reservations = tuple(found)
            if reservations:
                group = Group.POSSIBLE
                reason = f"mogelijk bij {about}, maar: {'; '.join(reservations)}"
            else:
                group = Group.FITS
                reason = f"past bij {about}" + (f": {fits[0]}" if fits else "")
        key = (group, -score, WEIGHT[item.category], item.min_severity, order)
        rows.append((key, group, score, reason, reservations, item))
    rows.sort(key=lambda row: row[0])
    return [
        Ranked(rank, item, group, score, reason, reservations)
        for rank, (_key, group, score, reason, reservations, item) in enumerate(rows, start=1)
    ]
