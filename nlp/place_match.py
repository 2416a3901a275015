"""The one fuzzy matcher for place names, shared by the NLP's place extraction
(`nlp.gazetteer.fuzzy_lookup`) and the register (`signals.register.places`).

Both compare normalised keys (each caller normalises its own way: the gazetteer per token, the
register per written-out place) with rapidfuzz's plain `ratio`, so that a misspelling counts
the same wherever it is made. The similarity thresholds live here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

# A written name is taken as a misspelling of a known name (an alias in the gazetteer) at this
# similarity (rapidfuzz ratio, 0-100) or more: "Kruidewijk" for "Kruidenwijk".
KNOWN_NAME_CUTOFF = 88
# Two names as people wrote them (a call's place, a register entry's place) are the same place
# at this similarity or more. Lower than KNOWN_NAME_CUTOFF: neither side is a clean list entry,
# so both may carry a typo ("stadhuis-plein" against "Stadhuisplijn").
SAME_PLACE_SIMILARITY = 85


def closest_known(key: str, known: Sequence[str]) -> tuple[str, int] | None:
    """The known key most similar to `key` and its index in `known`, when at least
    KNOWN_NAME_CUTOFF similar; None otherwise."""
    best = process.extractOne(key, known, scorer=fuzz.ratio, score_cutoff=KNOWN_NAME_CUTOFF)
    if best is None:
        return None
    alias, _score, index = best
    return alias, index


def similar_names(a: str, b: str) -> bool:
    """Whether two place keys are close enough to name the same place."""
    return fuzz.ratio(a, b) >= SAME_PLACE_SIMILARITY
