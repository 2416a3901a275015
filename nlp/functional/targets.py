"""The identity groups the suite is crossed with: every category of the guidelines.

The groups are rows of `data/targets.tsv`. Slurs are written out plainly: the suite tests
that they are detected.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nlp.functional.files import DATA_DIR

CATEGORIES: tuple[str, ...] = (
    "ethnicity", "skin_colour", "origin", "religion", "migration", "gender",
    "sexual_orientation", "gender_identity", "disability", "political",
)


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    category: str
    plural: str
    singular: str
    adj: str  # attributive adjective, "" where Dutch has none that reads naturally
    stem: str  # first part of a compound: "asiel" in "asieltuig"
    slurs: tuple[tuple[str, str], ...]  # (plural, singular)

    def fields(self) -> dict[str, str]:
        return {"grp": self.plural, "een": self.singular, "adj": self.adj, "stem": self.stem}


def _slurs(cell: str) -> tuple[tuple[str, str], ...]:
    """`plural/singular, plural/singular` as the TSV writes a group's slurs."""
    pairs = (pair.split("/") for pair in cell.split(", "))
    return tuple((plural, singular) for plural, singular in pairs)


def _load(path: Path) -> tuple[Target, ...]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple(
            Target(r["key"], r["category"], r["plural"], r["singular"], r["adj"], r["stem"],
                   _slurs(r["slurs"]))
            for r in rows
        )


TARGETS: tuple[Target, ...] = _load(DATA_DIR / "targets.tsv")

BY_KEY: dict[str, Target] = {t.key: t for t in TARGETS}
