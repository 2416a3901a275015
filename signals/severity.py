"""Severity of a signal: the one place where the score is computed (formula: docs/severity.md).

The score is a sum of six bounded components whose maxima add up to 1.0, so every part can be
shown to the analyst as "x of at most y" and the total never needs rescaling:

| component     | max  | grows with                                                     |
| ------------- | ---- | -------------------------------------------------------------- |
| inhoud        | 0.30 | highest probability among call_to_gathering, anti_government,   |
|               |      | polarising                                                      |
| dreiging      | 0.20 | probability of the threat label                                 |
| almere        | 0.15 | in_almere: yes 0.15, unknown 0.05, no 0                         |
| urgentie      | 0.15 | how soon the event is: full within 24 h, linear to 0 at 7 days; |
|               |      | an event more than 6 h past gives 0; a call without a time 0.03 |
| verspreiding  | 0.10 | posts (log scale, full at 50) and distinct sources (full at 5)  |
| aanmelding    | 0.10 | "niet aangemeld" 0.10, "aangemeld" 0, not a call 0; absent for  |
|               |      | a gathering outside Almere (Almere's register does not apply)  |
| partner       | 0.10 | "bevestigd door melding partner": only on a signal with a      |
|               |      | partner's report; 0.10 once online posts share its place and   |
|               |      | time, else 0. On top of the six: the total is capped at 1.0    |

`band` turns a score into its band (hoog / middel / laag) and colour: the queue and the signal page
colour a score only through it (Jinja filter `sev_band`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nlp.vocabulary import (
    CALL,
    CONTENT_LABELS,
    LABEL_NL,
    LABELS,
    NOT_NOTIFIED,
    OUTSIDE_ALMERE,
    THREAT,
)

W_CONTENT = 0.30
W_THREAT = 0.20
W_ALMERE = 0.15
W_URGENCY = 0.15
W_SPREAD = 0.10
W_NOTIFICATION = 0.10
# Added on top when an online signal and a partner's report meet (the total stays capped at 1).
W_PARTNER = 0.10

URGENT_WITHIN = timedelta(hours=24)
HORIZON = timedelta(days=7)
PAST_GRACE = timedelta(hours=6)
NO_TIME_CALL = 0.2  # fraction of the urgency weight for a call whose time is unknown
SPREAD_POSTS_FULL = 50
SPREAD_SOURCES_FULL = 5

# Bands of the score, from the top. A score is banded as it is shown (two decimals), so 0.3998
# shown as "0.40" is "middel" like 0.4000.
BAND_HIGH = 0.70
BAND_MID = 0.40


@dataclass(frozen=True, slots=True)
class Band:
    key: str  # also the CSS class suffix: sev-high, sev-mid, sev-low
    name: str  # Dutch
    colour: str  # the same value as the CSS variable --<key> in web/static/app.css


BANDS: tuple[Band, ...] = (
    Band("high", "hoog", "#b3261e"),
    Band("mid", "middel", "#b86e00"),
    Band("low", "laag", "#3d7a3d"),
)


def band(value: float | None) -> Band:
    """The band of a severity score, as displayed (rounded to two decimals)."""
    try:
        shown = round(float(value or 0.0), 2)
    except (TypeError, ValueError):
        shown = 0.0
    if shown >= BAND_HIGH:
        return BANDS[0]
    if shown >= BAND_MID:
        return BANDS[1]
    return BANDS[2]


def _p(labels: dict[str, dict], name: str) -> float:
    entry = labels.get(name) or {}
    try:
        return min(1.0, max(0.0, float(entry.get("p", 0.0))))
    except (TypeError, ValueError):
        return 0.0


def _urgency(event_time: datetime | None, now: datetime, is_call: bool) -> tuple[float, str]:
    if event_time is None:
        if is_call:
            return NO_TIME_CALL, "tijdstip onbekend"
        return 0.0, "geen tijdstip"
    ahead = event_time - now
    if ahead < -PAST_GRACE:
        return 0.0, "tijdstip ligt in het verleden"
    if ahead <= URGENT_WITHIN:
        return 1.0, "binnen 24 uur"
    if ahead >= HORIZON:
        return 0.0, "over meer dan 7 dagen"
    span = (HORIZON - URGENT_WITHIN).total_seconds()
    frac = 1.0 - (ahead - URGENT_WITHIN).total_seconds() / span
    return frac, f"over {ahead.days} dag(en)"


def _spread(post_count: int, source_count: int) -> float:
    posts = min(1.0, math.log(max(post_count, 1)) / math.log(SPREAD_POSTS_FULL))
    sources = min(1.0, max(source_count - 1, 0) / (SPREAD_SOURCES_FULL - 1))
    return 0.5 * posts + 0.5 * sources


def _partner(post_count: int, partner_reports: int) -> tuple[str, str, float, float, str]:
    """"Bevestigd door melding partner": full when online posts and a partner's report name the
    same place and time (they are one signal), nothing while only one side has spoken."""
    reports = f"{partner_reports} melding(en) van partners"
    if post_count > 0:
        text = f"{reports} en {post_count} online bericht(en) over dezelfde plaats en tijd"
        return ("partner", "Bevestigd door melding partner", W_PARTNER, W_PARTNER, text)
    text = f"{reports}; nog geen online berichten over dezelfde plaats en tijd"
    return ("partner", "Bevestigd door melding partner", 0.0, W_PARTNER, text)


def score(
    *,
    labels: dict[str, dict],
    in_almere: bool | None,
    event_time: datetime | None,
    now: datetime,
    post_count: int,
    source_count: int,
    notification_status: str | None,
    partner_reports: int = 0,
) -> tuple[float, dict[str, Any]]:
    """Severity in [0, 1] and its breakdown.

    `labels` is {label: {"p": probability, ...}} (the highest per label over a signal's posts).
    The breakdown is {"total", "components": [{"key", "name" (Dutch), "score", "max",
    "explanation" (Dutch)}], "labels": {label: p}}: the components add up to the total, and the
    input probabilities are repeated so the breakdown alone shows how the score was made.
    """
    content_label = max(CONTENT_LABELS, key=lambda name: _p(labels, name))
    p_content = _p(labels, content_label)
    p_threat = _p(labels, THREAT)
    is_call = _p(labels, CALL) > 0 or notification_status is not None

    almere_frac = {True: 1.0, None: 1 / 3, False: 0.0}[in_almere]
    almere_text = {True: "in Almere", None: "plaats onbekend", False: "buiten Almere"}[in_almere]
    urgency_frac, urgency_text = _urgency(event_time, now, is_call)
    spread_frac = _spread(post_count, source_count)
    notification_frac = 1.0 if notification_status == NOT_NOTIFIED else 0.0
    notification_text = notification_status or "geen oproep"
    # Notification is a fact about Almere's register: outside Almere the component is absent.
    outside = in_almere is False or notification_status == OUTSIDE_ALMERE

    components = [
        (
            "content",
            "Inhoud",
            W_CONTENT * p_content,
            W_CONTENT,
            f"{LABEL_NL[content_label]}: kans {p_content:.2f}",
        ),
        ("threat", "Dreiging", W_THREAT * p_threat, W_THREAT, f"dreiging: kans {p_threat:.2f}"),
        ("in_almere", "Almere", W_ALMERE * almere_frac, W_ALMERE, almere_text),
        ("urgency", "Urgentie", W_URGENCY * urgency_frac, W_URGENCY, urgency_text),
        (
            "spread",
            "Verspreiding",
            W_SPREAD * spread_frac,
            W_SPREAD,
            f"{post_count} bericht(en), {source_count} bron(nen)",
        ),
    ]
    if not outside:
        components.append(
            (
                "notification",
                "Aanmelding",
                W_NOTIFICATION * notification_frac,
                W_NOTIFICATION,
                notification_text,
            )
        )
    if partner_reports:
        components.append(_partner(post_count, partner_reports))
    total = round(min(1.0, max(0.0, sum(c[2] for c in components))), 4)
    breakdown: dict[str, Any] = {
        "total": total,
        "components": [
            {"key": key, "name": name, "score": round(value, 4), "max": weight, "explanation": text}
            for key, name, value, weight, text in components
        ],
        "labels": {name: round(_p(labels, name), 4) for name in LABELS},
        # The app's page that explains the formula (served from docs/severity.md).
        "formula": "/uitleg/ernst",
    }
    return total, breakdown
