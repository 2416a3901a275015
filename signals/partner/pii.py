"""Personal-data detectors for partner reports.

Partner reports are about places, events and tensions, never about persons. Before a report is
stored, text that looks like a name, phone number, e-mail address, street address, licence plate
or BSN is shown back to the reporter, who is asked to remove it. The detectors are regular
expressions and word lists, compiled once: a report is at most a few thousand characters and the
check runs while the reporter waits.

They lean towards asking: a false alarm costs the reporter one look, a miss stores personal data
the municipality must not hold. The evaluation set (tests/fixtures/partner_reports) measures
both sides, and `benchmarks/bench_pii.py` prints the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signals.partner.pii_address import find_addresses
from signals.partner.pii_names import find_names

NAME = "naam"
PHONE = "telefoonnummer"
EMAIL = "e-mailadres"
ADDRESS = "adres"
PLATE = "kenteken"
BSN = "bsn"
KINDS: tuple[str, ...] = (NAME, PHONE, EMAIL, ADDRESS, PLATE, BSN)

_WHY = "Haal het weg; meldingen gaan over plekken en gebeurtenissen, niet over personen."
EXPLANATIONS: dict[str, str] = {
    NAME: f"Dit lijkt op een naam. {_WHY}",
    PHONE: f"Dit lijkt op een telefoonnummer. {_WHY}",
    EMAIL: f"Dit lijkt op een e-mailadres. {_WHY}",
    ADDRESS: (
        "Dit lijkt op een adres. Noem de straat of de plek zonder huisnummer en zonder postcode; "
        "meldingen gaan over plekken en gebeurtenissen, niet over personen."
    ),
    PLATE: f"Dit lijkt op een kenteken. {_WHY}",
    BSN: f"Dit lijkt op een burgerservicenummer (BSN). {_WHY}",
}

# When two hits overlap, the more specific kind wins: an e-mail address holds what looks like a
# name, a phone number holds digits that could pass for other numbers.
_PRIORITY = {EMAIL: 0, PHONE: 1, BSN: 2, PLATE: 3, ADDRESS: 4, NAME: 5}


@dataclass(frozen=True, slots=True)
class PersonalDataHit:
    """A stretch of the report that looks like personal data, with a reason for the reporter."""

    kind: str
    start: int
    end: int
    text: str
    explanation: str


_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)

# A Dutch number: +31 / 0031 (optionally "(0)"), or a national 0, then nine digits with the
# separators people type (space, dash, dot, brackets around an area code). The count of digits
# is what keeps times (14.00), dates (12-06-2026), years and amounts out.
_PHONE = re.compile(
    r"(?<![\w+@])"
    r"(?:(?:\+|00)[ ]?31[ .-]*(?:\(0\)[ .-]*)?|\(?0)"
    r"(?:[ .\-)]{0,3}\d){9}"
    r"(?![\d]|[.,:-]\d)"
)
# Foreign numbers (Polish, Belgian, Turkish, Moroccan ... colleagues and relatives): a country
# code other than 31 and at least eight more digits.
_FOREIGN_PHONE = re.compile(
    r"(?<![\w+@])(?:\+|00)(?!31)[1-9]\d{0,2}(?:[ .\-()]{0,3}\d){8,12}(?![\d]|[.,:-]\d)"
)
# A date inside a candidate ("03-10-2025 21") makes it no phone number.
_DATE = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d\d")
# Service lines are not anyone's personal number: 0800/0900/0906/0909 (e.g. Meld Misdaad
# Anoniem, Veilig Thuis) and 112.
_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")

# Nine digits, also as written on letters (1234.56.782) or grouped in threes.
_BSN = re.compile(
    r"(?<![\w.,-])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\w]|[.,-]\d)"
)

# Licence plates: the Dutch sidecodes 1-14 (L = letter, D = digit).
_SIDECODES = (
    "LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD", "DD-LL-LL", "DD-LLL-D",
    "D-LLL-DD", "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "L-DD-LLL", "D-LL-DDD", "DDD-LL-D",
)
# Plates issued since 1951 avoid vowels (and C, Q); lower-case and undashed writing is only
# accepted with these letters, so "havo-4" or "MP3" never look like a plate.
_PLATE_LETTER = "[BDFGHJKLNPRSTVXZ]"


def _plate_regex(letter: str, dash: str, sidecodes: tuple[str, ...]) -> str:
    alts = []
    for code in sidecodes:
        groups = [
            (letter if g[0] == "L" else r"\d") + f"{{{len(g)}}}" for g in code.split("-")
        ]
        alts.append(dash.join(groups))
    return r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w]|-\w)"


# Undashed, a plate is only unambiguous when its groups alternate letters and digits
# (sidecodes 3, 4 and 7-14): "12ABC3" can only be 12-ABC-3, "AB1234" could be anything.
_ALTERNATING = tuple(c for c in _SIDECODES if len({g[0] for g in c.split("-")}) == 2
                     and c.split("-")[0][0] == c.split("-")[2][0])
_PLATES = (
    re.compile(_plate_regex("[A-Z]", "-", _SIDECODES)),
    re.compile(_plate_regex(_PLATE_LETTER, "-", _SIDECODES), re.IGNORECASE),
    re.compile(_plate_regex(_PLATE_LETTER, "", _ALTERNATING)),
)


def elfproef(digits: str) -> bool:
    """The BSN eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and total != 0


def _phones(text: str) -> list[tuple[str, int, int]]:
    found = []
    for m in _PHONE.finditer(text):
        national = re.sub(r"\D", "", m.group(0).replace("(0)", ""))
        if national.startswith("0031"):
            national = "0" + national[4:]
        elif m.group(0).startswith("+"):
            national = "0" + national[2:]
        if national.startswith(_SERVICE_PREFIXES) or _DATE.search(m.group(0)):
            continue
        found.append((PHONE, m.start(), m.end()))
    found.extend((PHONE, m.start(), m.end()) for m in _FOREIGN_PHONE.finditer(text))
    return found


def _bsns(text: str) -> list[tuple[str, int, int]]:
    return [
        (BSN, m.start(), m.end())
        for m in _BSN.finditer(text)
        if elfproef(re.sub(r"\D", "", m.group(0)))
    ]


def _plates(text: str) -> list[tuple[str, int, int]]:
    return [(PLATE, m.start(), m.end()) for rx in _PLATES for m in rx.finditer(text)]


def _emails(text: str) -> list[tuple[str, int, int]]:
    return [(EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]


def find_personal_data(text: str) -> list[PersonalDataHit]:
    """Every stretch of `text` that looks like personal data, in order, without overlaps."""
    if not text:
        return []
    raw = [
        *_emails(text), *_phones(text), *_bsns(text), *_plates(text),
        *((ADDRESS, s, e) for s, e in find_addresses(text)),
        *((NAME, s, e) for s, e in find_names(text)),
    ]
    raw.sort(key=lambda h: (_PRIORITY[h[0]], -(h[2] - h[1]), h[1]))
    kept: list[tuple[str, int, int]] = []
    for kind, start, end in raw:
        if all(end <= s or start >= e for _, s, e in kept):
            kept.append((kind, start, end))
    kept.sort(key=lambda h: h[1])
    return [
        PersonalDataHit(kind, start, end, text[start:end], EXPLANATIONS[kind])
        for kind, start, end in kept
    ]
