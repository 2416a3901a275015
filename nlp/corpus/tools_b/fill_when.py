"""One-off review aid: fill an empty `when` with the time expression found in the text."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent / "src"
PAT = re.compile(
    r"\b(donderdag om half 8|morgen vroeg|vanavond|vannacht|morgen\w*|vandaag|zaterdag\w*|"
    r"zondag\w*|maandag\w*|dinsdag\w*|woensdag\w*|donderdag\w*|vrijdag\w*|gisteren|gister|"
    r"oudjaar|volgende week|dit weekend|this weekend|vanmiddag)\b",
    re.IGNORECASE,
)
# Rhetorical or non-event time words are left empty on purpose.
SKIP = ("Ze sluiten straks je bankrekening",)


def main() -> None:
    changed = 0
    for path in sorted(SRC.glob("*.txt")):
        if path.name.startswith("fair_"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            parts = line.split("|", 7)
            if line.startswith("#") or len(parts) != 8 or parts[4] != "-":
                continue
            if parts[7].startswith(SKIP):
                continue
            m = PAT.search(parts[7])
            if m:
                parts[4] = m.group(0)
                lines[i] = "|".join(parts)
                changed += 1
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("filled", changed)


if __name__ == "__main__":
    main()
