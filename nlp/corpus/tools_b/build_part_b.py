"""Build nlp/corpus/part_b.jsonl from hand-written compact source files.

Same line format as part A so both corpora read alike:
    labels|register|hard_negative|in_almere|when|places|group|text
(labels: letters c/a/p/t or '-'; places ';'-separated or '-'; group '-' = own group,
'@name' = a group shared across files;
a literal '\\n' in text becomes a newline). Lines starting with '#' are comments.

Files named fair_*.txt hold counterfactual templates for the fairness test:
    labels|register|hard_negative|in_almere|when|places|term1,term2,...|template with {g}
Every expansion of one template shares its group and its labels, by construction.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from nlp.corpus_source import labels_from_letters, verbatim_places_and_when

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "part_b.jsonl"

REGISTERS = {
    "n": "news",
    "f": "forum",
    "t": "telegram",
    "w": "whatsapp",
    "c": "comment",
    "tw": "tweet",
    "m": "mastodon",
    "r": "reddit",
    "s": "straattaal",
}
HARD = {
    "rep": "report",
    "pp": "private_plan",
    "oa": "online_action",
    "ce": "cultural_event",
    "wa": "warning",
    "cr": "criticism",
    "cs": "counter_speech",
    "qh": "quoted_hostility",
    "ng": "neutral_group",
    "fig": "figurative",
    "azc": "azc_opposition",
}
ALM = {"y": True, "n": False, "u": None}


def build_record(
    lab: str, reg: str, hn: str, alm: str, when: str, places: str, text: str, where: str
) -> dict:
    text = text.replace("\\n", "\n")
    labels = labels_from_letters(lab, where)
    hard = None if hn == "-" else HARD[hn]
    # A hard negative is by definition negative on every label.
    if hard and any(labels.values()):
        raise ValueError(f"{where}: hard negative carries a positive label")
    place_list, when = verbatim_places_and_when(places, when, text, where)
    low = text.lower()
    if ALM[alm] is not None and not place_list and "036" not in text and "#almere" not in low:
        raise ValueError(f"{where}: in_almere set without any place/036/#almere")
    if ALM[alm] is None and place_list:
        raise ValueError(f"{where}: places given but in_almere unknown")
    if ALM[alm] is None and ("036" in text or "#almere" in low):
        raise ValueError(f"{where}: 036/#almere present but in_almere unknown")
    return {
        "text": text,
        "labels": labels,
        "places": place_list,
        "in_almere": ALM[alm],
        "when": when,
        "register": REGISTERS[reg],
        "hard_negative": hard,
    }


def read_sources() -> list[tuple[dict, str]]:
    """Return (record, group key) pairs in file order."""
    out: list[tuple[dict, str]] = []
    errors: list[str] = []
    own = 0
    for src in sorted((HERE / "src").glob("*.txt")):
        fair = src.name.startswith("fair_")
        for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            where = f"{src.name}:{n}"
            parts = [p.strip() for p in line.split("|", 7)]
            if len(parts) != 8:
                raise ValueError(f"{where}: expected 8 fields, got {len(parts)}")
            lab, reg, hn, alm, when, places, group, text = parts
            if fair:
                for term in group.split(","):
                    filled = text.replace("{g}", term.strip())
                    # A term at the start of a sentence is capitalised like a writer would.
                    if text.startswith("{g}"):
                        filled = filled[0].upper() + filled[1:]
                    rec = build_record(lab, reg, hn, alm, when, places, filled, where)
                    out.append((rec, f"{src.stem}:{n}"))
                continue
            try:
                rec = build_record(lab, reg, hn, alm, when, places, text, where)
            except ValueError as exc:
                # Collect every bad line so one run shows them all.
                errors.append(str(exc))
                continue
            if group == "-":
                own += 1
                key = f"__own{own}"
            elif group.startswith("@"):
                # '@name' groups span source files (a message reposted in another batch).
                key = group
            else:
                key = f"{src.stem}:{group}"
            out.append((rec, key))
    if errors:
        raise SystemExit("\n".join(errors))
    return out


def main() -> int:
    pairs = read_sources()
    texts = Counter(r["text"] for r, _ in pairs)
    dups = [t for t, c in texts.items() if c > 1]
    if dups:
        raise SystemExit(f"duplicate texts: {dups[:3]}")
    groups: dict[str, str] = {}
    with OUT.open("w", encoding="utf-8") as fh:
        for i, (rec, key) in enumerate(pairs, 1):
            if key not in groups:
                groups[key] = f"b-g{len(groups) + 1:04d}"
            fh.write(
                json.dumps({"id": f"b-{i:04d}", **rec, "group": groups[key]}, ensure_ascii=False)
                + "\n"
            )
    print(f"wrote {len(pairs)} records, {len(groups)} groups to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
