"""Traces of a post author in free text that staff write or quote: a pseudonym, an @handle, a
link to a profile. Notes refuse them; briefing quotes have them blanked.

A simple, explainable check, not a guarantee: it catches what intake itself knows to be
author data (the pseudonym form, handles, and the profile paths `privacy.urls` strips), so a
colleague cannot paste those into a note or the driehoek briefing by accident."""

from __future__ import annotations

import re
from dataclasses import dataclass

from signals.privacy.urls import strip_handles

# Intake's pseudonyms are "ps_<hex>"; older exports and fixtures write "ps:<hex>".
_PSEUDONYM = re.compile(r"\bps[:_]\s*[0-9a-z]{4,}", re.IGNORECASE)
# "@name" and Mastodon's "@name@host"; an e-mail address (name@host) is not a handle.
_HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_][A-Za-z0-9_.]*(?:@[A-Za-z0-9.-]+)?")
_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
BLANK = "[…]"


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str  # Dutch, shown to the user: "pseudoniem", "@-naam", "link naar een profiel"
    text: str


def _profile_urls(text: str) -> list[str]:
    # A URL that privacy.urls would change names a person (handle or profile path); an
    # article or event page passes unchanged.
    return [
        url for url in (m.group(0).rstrip(".,;:!?)") for m in _URL.finditer(text))
        if strip_handles(url) != url
    ]


def author_mentions(text: str) -> list[Mention]:
    """Every trace of an author in `text`, in the order of the checks."""
    found = [Mention("pseudoniem", m.group(0)) for m in _PSEUDONYM.finditer(text)]
    without_urls = _URL.sub(" ", text)
    found += [Mention("@-naam", m.group(0)) for m in _HANDLE.finditer(without_urls)]
    found += [Mention("link naar een profiel", url) for url in _profile_urls(text)]
    return found


def blank_author_mentions(text: str) -> str:
    """`text` with pseudonyms, handles and every link blanked (a quote needs no links)."""
    text = _URL.sub(BLANK, text)
    text = _PSEUDONYM.sub(BLANK, text)
    return _HANDLE.sub(BLANK, text)
