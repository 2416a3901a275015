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
LABEL_TITLE: Final = MappingProxyType({
    CALL: "Oproep tot samenkomst", THREAT: "Dreigende uiting",
    ANTI_GOVERNMENT: "Anti-overheid-uiting", POLARISING: "Polariserende uiting",
})

# The team's probe families (nlp/probes.py) by their Dutch names, for the weekly retrain's audit
# record (a test checks that every family has one).
PROBE_FAMILY_NL: Final = MappingProxyType(
    {
        "threat verbs": "dreigende werkwoorden",
        "figurative threats": "dreigende woorden als beeldspraak",
        "fireworks chatter": "alledaagse berichten over vuurwerk",
        "fireworks chatter, second set": "alledaagse berichten over vuurwerk, tweede reeks",
        "warnings against violence": "waarschuwingen tegen geweld",
        "threats with a negation": "dreigingen met een ontkenning erin",
        "negated hostility": "ontkende vijandigheid",
        "counter-speech": "tegenspraak",
        "negated hostility, other forms": "ontkende vijandigheid, andere vormen",
        "counter-speech, other forms": "tegenspraak, andere vormen",
        "neutral mentions": "neutrale vermeldingen van een groep",
        "hostility with a negation": "vijandigheid met een ontkenning erin",
        "negated hostility, third forms": "ontkende vijandigheid, derde reeks vormen",
        "neutral mentions, second set": "neutrale vermeldingen van een groep, tweede reeks",
        "hostility with a late negation": "vijandigheid met een ontkenning achteraan",
        "one member named": "één lid van een groep genoemd",
        "threats against groups, other forms": "dreigingen tegen groepen, andere vormen",
        "threats against groups, a bare verb": "dreigingen tegen groepen, alleen een werkwoord",
        "violence against groups, reported or rejected":
            "geweld tegen groepen, gemeld of afgewezen",
        "threats, plain": "dreigingen, gewoon gespeld",
        "threats, digits and symbols": "dreigingen, cijfers en tekens voor letters",
        "threats, spaced": "dreigingen, letters los",
        "threats, stretched": "dreigingen, uitgerekte letters",
        "threats, run together": "dreigingen, woorden aan elkaar",
        "threats, dotted": "dreigingen, punten tussen de letters",
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
# One action that the state machine records as several steps, each its own decision and audit
# entry: escalating a new signal is reviewing it and escalating it (issue 13).
SHORTCUTS: Final = MappingProxyType({NEW: MappingProxyType({ESCALATED: (IN_REVIEW, ESCALATED)})})

# --- four-eyes approval: chosen interventions, role grants and reveal requests -------------------

APPROVAL_NOT_REQUIRED: Final = "not_required"
APPROVAL_PENDING: Final = "pending"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
APPROVAL_NL: Final = MappingProxyType(
    {
        APPROVAL_NOT_REQUIRED: "geen goedkeuring nodig",
        APPROVAL_PENDING: "wacht op goedkeuring",
        APPROVED: "goedgekeurd",
        REJECTED: "afgewezen",
    }
)
# A choice that stands: the same intervention cannot be chosen again while one of these holds.
APPROVAL_STANDING: Final = frozenset({APPROVAL_NOT_REQUIRED, APPROVAL_PENDING, APPROVED})

# --- the register of notified manifestations (Wom) ----------------------------------------------

# An entry's status: a closed set, enforced by a CHECK constraint, the form, the CSV import and
# the API. Only an active entry makes a gathering "aangemeld".
REGISTER_STATUS_HELP: Final = MappingProxyType(
    {
        "aangemeld": "aangemeld (ontvangen)",
        "bevestigd": "bevestigd door de gemeente",
        "ingetrokken": "ingetrokken door de organisator",
        "geannuleerd": "geannuleerd / gaat niet door",
    }
)
REGISTER_STATUSES: Final[tuple[str, ...]] = tuple(REGISTER_STATUS_HELP)
REGISTER_ACTIVE_STATUSES: Final = frozenset({"aangemeld", "bevestigd"})
REGISTER_STATUS_DEFAULT: Final = "aangemeld"

# A call's notification status against that register. It only applies in Almere: the register
# is Almere's, so a gathering elsewhere is neither "aangemeld" nor "niet aangemeld".
NOTIFIED: Final = "aangemeld"
NOT_NOTIFIED: Final = "niet aangemeld"
OUTSIDE_ALMERE: Final = "buiten Almere"  # stored value (fits the 16-character column)
NOTIFICATION_STATUSES: Final[tuple[str, ...]] = (NOTIFIED, NOT_NOTIFIED, OUTSIDE_ALMERE)
NOTIFICATION_NL: Final = MappingProxyType({
    NOTIFIED: "aangemeld", NOT_NOTIFIED: "niet aangemeld", OUTSIDE_ALMERE: "buiten Almere — n.v.t.",
})

# --- roles -----------------------------------------------------------------------------------

ANALYST: Final = "analyst"
SUPERVISOR: Final = "supervisor"
AUDITOR: Final = "auditor"
ADMIN: Final = "admin"
# A professional of a partner organisation (police, school, youth work, ...): submits reports
# about places and events and sees only their own reports' status.
PARTNER: Final = "partner"
# The municipality's own staff: every role but partner. Routes open to "every role" mean these.
STAFF_ROLES: Final[tuple[str, ...]] = (ANALYST, SUPERVISOR, AUDITOR, ADMIN)
ROLES: Final[tuple[str, ...]] = (*STAFF_ROLES, PARTNER)
ROLE_NL: Final = MappingProxyType(
    {
        ANALYST: "analist",
        SUPERVISOR: "supervisor",
        AUDITOR: "auditor",
        ADMIN: "beheerder",
        PARTNER: "partner",
    }
)

# --- partner reports (meldingen) ---------------------------------------------------------------

# Where a signal came from: public online posts, or a report by a partner professional.
KIND_ONLINE: Final = "online"
KIND_MELDING: Final = "melding"

# The kinds of partner organisation, with their Dutch names.
ORGANISATION_KINDS_NL: Final = MappingProxyType({
    "politie": "politie", "onderwijs": "onderwijs", "jongerenwerk": "jongerenwerk",
    "boa": "boa / handhaving", "woningcorporatie": "woningcorporatie", "zorg": "zorg en welzijn",
    "anders": "anders",
})
ORGANISATION_KINDS: Final[tuple[str, ...]] = tuple(ORGANISATION_KINDS_NL)

# How the reporter knows what they report.
KNOWLEDGE_NL: Final = MappingProxyType(
    {
        "zelf": "zelf gezien of gehoord",
        "gehoord": "van iemand anders gehoord",
        "online": "online gezien",
    }
)
KNOWLEDGE: Final[tuple[str, ...]] = tuple(KNOWLEDGE_NL)

# Urgency as the reporter sees it (shown to the analyst; not part of the severity score).
REPORTER_URGENCY_NL: Final = MappingProxyType(
    {
        "laag": "geen haast",
        "middel": "binnen een paar dagen",
        "hoog": "dringend (binnen 24 uur)",
    }
)
REPORTER_URGENCY: Final[tuple[str, ...]] = tuple(REPORTER_URGENCY_NL)

# What a reporter is told about their report: its status only, never what was decided.
REPORT_RECEIVED: Final = "ontvangen"
REPORT_IN_PROGRESS: Final = "in behandeling"
REPORT_DONE: Final = "afgehandeld"
REPORT_STATUSES: Final[tuple[str, ...]] = (REPORT_RECEIVED, REPORT_IN_PROGRESS, REPORT_DONE)
REPORT_STATUS_OF_SIGNAL: Final = MappingProxyType(
    {
        NEW: REPORT_RECEIVED,
        IN_REVIEW: REPORT_IN_PROGRESS,
        MONITORING: REPORT_IN_PROGRESS,
        ESCALATED: REPORT_IN_PROGRESS,
        DISMISSED: REPORT_DONE,
        CLOSED: REPORT_DONE,
    }
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
