"""The project's vocabulary, defined once: labels and their Dutch names, signal statuses and their
transitions, register and notification statuses, roles, Almere's districts (derived from the
gazetteer), the time zone and the supported languages.

Every other module reads these from here (a test greps for copies). It lives in `nlp` because
the NLP layer needs the labels, the time zone, the languages and the districts, and `nlp` must not
import `signals`; it imports nothing from the project but the gazetteer, so collectors, NLP and
signals can all import it without a cycle and without loading spaCy or the model.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

from nlp.gazetteer import load_places

# --- time zone and languages -------------------------------------------------------------------

TIME_ZONE_NAME: Final = "Europe/Amsterdam"
TZ: Final = ZoneInfo(TIME_ZONE_NAME)
# Languages the classifier is trained for; posts in others are kept but not tagged.
LANGUAGES: Final = frozenset({"nl", "en"})

# --- labels ----------------------------------------------------------------------------------

CALL: Final = "call_to_gathering"
ANTI_GOVERNMENT: Final = "anti_government"
POLARISING: Final = "polarising"
THREAT: Final = "threat"
LABELS: Final[tuple[str, ...]] = (CALL, ANTI_GOVERNMENT, POLARISING, THREAT)
# The labels about what a post says (as opposed to threat), for the severity's content part.
CONTENT_LABELS: Final[tuple[str, ...]] = (CALL, ANTI_GOVERNMENT, POLARISING)
# The label as a noun phrase in running Dutch text ("oproep tot samenkomst: kans 0.90").
LABEL_NL: Final = MappingProxyType(
    {
        CALL: "oproep tot samenkomst",
        ANTI_GOVERNMENT: "anti-overheid",
        POLARISING: "polariserend",
        THREAT: "dreiging",
    }
)
# The head of a signal's title and of an alert, in this order of precedence.
LABEL_TITLE: Final = MappingProxyType(
    {
        CALL: "Oproep tot samenkomst",
        THREAT: "Dreigende uiting",
        ANTI_GOVERNMENT: "Anti-overheid-uiting",
        POLARISING: "Polariserende uiting",
    }
)

# --- signal statuses -------------------------------------------------------------------------

NEW: Final = "new"
IN_REVIEW: Final = "in_review"
DISMISSED: Final = "dismissed"
MONITORING: Final = "monitoring"
ESCALATED: Final = "escalated"
CLOSED: Final = "closed"
SIGNAL_STATUSES: Final[tuple[str, ...]] = (NEW, IN_REVIEW, DISMISSED, MONITORING, ESCALATED, CLOSED)
OPEN_STATUSES: Final[tuple[str, ...]] = (NEW, IN_REVIEW, MONITORING, ESCALATED)
TRANSITIONS: Final = MappingProxyType(
    {
        NEW: (IN_REVIEW,),
        IN_REVIEW: (DISMISSED, MONITORING, ESCALATED),
        MONITORING: (DISMISSED, ESCALATED),
        ESCALATED: (CLOSED,),
        DISMISSED: (),
        CLOSED: (),
    }
)
STATUS_NL: Final = MappingProxyType(
    {
        NEW: "nieuw",
        IN_REVIEW: "in behandeling",
        DISMISSED: "afgewezen",
        MONITORING: "volgen",
        ESCALATED: "opgeschaald",
        CLOSED: "gesloten",
    }
)

# --- the register of notified manifestations (Wom) ----------------------------------------------

# An entry's status: a closed set, enforced by a CHECK constraint, the form, the CSV import and
# the API. Only an active entry makes a gathering "aangemeld".
REGISTER_STATUSES: Final[tuple[str, ...]] = ("aangemeld", "bevestigd", "ingetrokken", "geannuleerd")
REGISTER_ACTIVE_STATUSES: Final = frozenset({"aangemeld", "bevestigd"})
REGISTER_STATUS_DEFAULT: Final = "aangemeld"
REGISTER_STATUS_HELP: Final = MappingProxyType(
    {
        "aangemeld": "aangemeld (ontvangen)",
        "bevestigd": "bevestigd door de gemeente",
        "ingetrokken": "ingetrokken door de organisator",
        "geannuleerd": "geannuleerd / gaat niet door",
    }
)

# A call's notification status against that register. It only applies in Almere: the register
# is Almere's, so a gathering elsewhere is neither "aangemeld" nor "niet aangemeld".
NOTIFIED: Final = "aangemeld"
NOT_NOTIFIED: Final = "niet aangemeld"
OUTSIDE_ALMERE: Final = "buiten Almere"  # stored value (fits the 16-character column)
NOTIFICATION_STATUSES: Final[tuple[str, ...]] = (NOTIFIED, NOT_NOTIFIED, OUTSIDE_ALMERE)
NOTIFICATION_NL: Final = MappingProxyType(
    {
        NOTIFIED: "aangemeld",
        NOT_NOTIFIED: "niet aangemeld",
        OUTSIDE_ALMERE: "buiten Almere — n.v.t.",
    }
)

# --- roles -----------------------------------------------------------------------------------

ANALYST: Final = "analyst"
SUPERVISOR: Final = "supervisor"
AUDITOR: Final = "auditor"
ADMIN: Final = "admin"
ROLES: Final[tuple[str, ...]] = (ANALYST, SUPERVISOR, AUDITOR, ADMIN)
ROLE_NL: Final = MappingProxyType(
    {ANALYST: "analist", SUPERVISOR: "supervisor", AUDITOR: "auditor", ADMIN: "beheerder"}
)

# --- places ----------------------------------------------------------------------------------


def _almere_districts() -> tuple[str, ...]:
    """Almere's districts (stadsdelen) as the gazetteer files them, in its order. Oosterwold is
    filed under Almere Hout there, so it is no district of its own here either."""
    seen: dict[str, None] = {}
    for place in load_places():
        if place.in_almere and place.kind == "district" and place.district:
            seen.setdefault(place.district, None)
    return tuple(seen)


ALMERE_DISTRICTS: Final[tuple[str, ...]] = _almere_districts()
# How a signal outside Almere, or one whose district is unknown, is counted per district.
DISTRICT_OUTSIDE: Final = "buiten Almere"
DISTRICT_UNKNOWN: Final = "onbekend"


def district_group(district: str | None, in_almere: bool | None) -> str:
    """The district a signal counts under in aggregates: one of Almere's districts, "buiten
    Almere" or "onbekend". A place elsewhere never becomes a district of Almere."""
    if in_almere is False:
        return DISTRICT_OUTSIDE
    if district in ALMERE_DISTRICTS:
        return district  # type: ignore[return-value]
    return DISTRICT_UNKNOWN
