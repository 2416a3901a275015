"""Checks shared by the corpus builders (`nlp/corpus/**/build_*.py`, `source_builder.py`).

A source line names the places and the time expression its text contains; the annotation
(`docs/annotation.md`) counts on them standing in the text exactly as written.
"""

from __future__ import annotations

from nlp.vocabulary import ANTI_GOVERNMENT, CALL, POLARISING, THREAT

# The letters a source line writes its labels with ("cp": a call that is polarising).
LABEL_LETTERS = {"c": CALL, "a": ANTI_GOVERNMENT, "p": POLARISING, "t": THREAT}


def labels_from_letters(letters: str, where: str) -> dict[str, bool]:
    """'-' or some of c/a/p/t as the four labels; a ValueError naming `where` for another letter."""
    if letters != "-" and set(letters) - set(LABEL_LETTERS):
        raise ValueError(f"{where}: bad labels {letters!r}")
    return {label: letter in letters for letter, label in LABEL_LETTERS.items()}


def verbatim_places_and_when(places: str, when: str, text: str,
                             where: str) -> tuple[list[str], str]:
    """The places ('-' or ';'-separated) and the time expression ('-' or its words) of one
    source line, each found verbatim in `text`; a ValueError naming `where` otherwise."""
    place_list = [] if places == "-" else [p.strip() for p in places.split(";")]
    for p in place_list:
        if p not in text:
            raise ValueError(f"{where}: place {p!r} not verbatim in text")
    when = "" if when == "-" else when
    if when and when not in text:
        raise ValueError(f"{where}: when {when!r} not verbatim in text")
    return place_list, when
