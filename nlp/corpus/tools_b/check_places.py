"""Report place names that occur in a text but are missing from its `places` list.

A review aid, not a gate: it lists candidates so a human can decide per post.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(__file__).resolve().parent.parent / "part_b.jsonl"
TSV = ROOT / "nlp" / "data" / "almere_places.tsv"
EXTRA = [
    "Almere",
    "Stadhuisplein",
    "Esplanade",
    "Grote Markt",
    "Weerwater",
    "Beatrixpark",
    "Gooimeer",
    "Oostvaardersplassen",
    "Almere Centraal",
    "Almere Centrum",
    "Stadhuis",
    "Poort",
    "Buiten",
    "Haven",
    "Den Haag",
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Lelystad",
    "Bijlmer",
    "Malieveld",
    "Binnenhof",
    "Flevoland",
    "Brussel",
    "Zweden",
    "Europa",
    "Nederland",
    "Afrika",
    "Polen",
    "Syrië",
    "Aleppo",
    "Ankara",
    "Bangalore",
    "Davos",
    "Rotterdam-Zuid",
    "A6",
    "Tussen de Vaarten",
    "Muziekwijk",
]


def gazetteer() -> list[str]:
    with TSV.open(encoding="utf-8") as fh:
        names = [row["name"] for row in csv.DictReader(fh, delimiter="\t")]
    return sorted(set(names + EXTRA), key=len, reverse=True)


def main() -> None:
    names = gazetteer()
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text, listed = row["text"], [p.lower() for p in row["places"]]
        missing = []
        for name in names:
            for m in re.finditer(rf"(?<![\w#]){re.escape(name)}(?!\w)", text, re.IGNORECASE):
                hit = m.group(0).lower()
                if not any(hit in p for p in listed) and not any(hit in x for x in missing):
                    missing.append(m.group(0))
        if missing:
            print(row["id"], row["in_almere"], missing, "|", text[:90])


if __name__ == "__main__":
    main()
