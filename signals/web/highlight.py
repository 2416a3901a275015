"""Evidence highlighting: escape everything, then add only our own <mark> tags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

_KIND_CLASS = {"cue": "ev-cue", "place": "ev-place", "time": "ev-time", "term": "ev-term"}


def _spans(text: str, evidence: Iterable[Mapping[str, Any]]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    lowered = text.lower()
    for item in evidence:
        start, end = item.get("start"), item.get("end")
        quote = str(item.get("text") or "")
        kind = str(item.get("kind") or "")
        css = _KIND_CLASS.get(kind.split(":", 1)[0], "ev-other")
        if (
            isinstance(start, int)
            and isinstance(end, int)
            and 0 <= start < end <= len(text)
            and (not quote or text[start:end] == quote)
        ):
            found.append((start, end, css))
        elif quote:
            # Offsets that do not fit this text (another rendering of the post): fall back to
            # the quoted phrase itself.
            at = lowered.find(quote.lower())
            if at >= 0:
                found.append((at, at + len(quote), css))
    found.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    merged: list[tuple[int, int, str]] = []
    for start, end, css in found:
        if merged and start < merged[-1][1]:
            continue  # overlapping spans: keep the first (longest) one
        merged.append((start, end, css))
    return merged


def highlight(text: str, evidence: Iterable[Mapping[str, Any]] | None) -> Markup:
    text = text or ""
    out: list[str] = []
    cursor = 0
    for start, end, css in _spans(text, evidence or ()):
        out.append(str(escape(text[cursor:start])))
        out.append(f'<mark class="{css}">{escape(text[start:end])}</mark>')
        cursor = end
    out.append(str(escape(text[cursor:])))
    return Markup("".join(out))
