"""One validation for a report, shared by the web form and the JSON API."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from nlp.vocabulary import KNOWLEDGE, REPORTER_URGENCY

MAX_WHAT = 2000
MIN_WHAT = 10
MAX_WHERE = 200
MAX_WHEN = 100
MAX_CONTACT = 200

# Control characters other than line breaks and tabs have no place in a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class ReportInput:
    what: str
    where: str = ""
    when: str = ""
    knowledge: str = ""
    urgency: str = ""
    contact: str = ""


def _clean(text: str | None, *, lines: bool) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if not lines:
        text = " ".join(text.split())
    return text.strip()


def cleaned(raw: ReportInput) -> ReportInput:
    """The input with control characters removed and whitespace tidied."""
    return replace(
        raw,
        what=_clean(raw.what, lines=True),
        where=_clean(raw.where, lines=False),
        when=_clean(raw.when, lines=False),
        knowledge=_clean(raw.knowledge, lines=False),
        urgency=_clean(raw.urgency, lines=False),
        contact=_clean(raw.contact, lines=False),
    )


def errors_of(report: ReportInput) -> dict[str, str]:
    """Per field, what is wrong, in plain Dutch. Empty when the report may be checked."""
    errors: dict[str, str] = {}
    if len(report.what) < MIN_WHAT:
        errors["what"] = f"Beschrijf wat u zag of hoorde (minstens {MIN_WHAT} tekens)."
    elif len(report.what) > MAX_WHAT:
        errors["what"] = f"Uw beschrijving is te lang: maximaal {MAX_WHAT} tekens."
    if len(report.where) > MAX_WHERE:
        errors["where"] = f"De plaats is te lang: maximaal {MAX_WHERE} tekens."
    if len(report.when) > MAX_WHEN:
        errors["when"] = f"Het tijdstip is te lang: maximaal {MAX_WHEN} tekens."
    if report.knowledge not in KNOWLEDGE:
        errors["knowledge"] = "Kies hoe u het weet."
    if report.urgency not in REPORTER_URGENCY:
        errors["urgency"] = "Kies hoe dringend het is."
    if len(report.contact) > MAX_CONTACT:
        errors["contact"] = f"Uw contactgegevens zijn te lang: maximaal {MAX_CONTACT} tekens."
    return errors


# The fields checked for personal data about others. The optional contact is the reporter's
# own, given on purpose, and is kept as reporter identity (supervisors only).
CHECKED_FIELDS: tuple[str, ...] = ("what", "where", "when")
