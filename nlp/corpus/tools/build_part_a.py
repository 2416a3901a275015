"""Build nlp/corpus/part_a.jsonl from hand-written compact source files.

Each source line is: labels|register|hard_negative|in_almere|when|places|group|text
(labels: letters c/a/p/t or '-'; places ';'-separated or '-'; group '-' = own group;
a literal '\\n' in text becomes a newline). Lines starting with '#' are comments.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "part_a.jsonl"

REGISTERS = {
    "n": "news", "f": "forum", "t": "telegram", "w": "whatsapp", "c": "comment",
    "tw": "tweet", "m": "mastodon", "r": "reddit", "s": "straattaal",
}
HARD = {
    "rep": "report", "pp": "private_plan", "oa": "online_action", "ce": "cultural_event",
    "wa": "warning", "cr": "criticism", "cs": "counter_speech", "qh": "quoted_hostility",
    "ng": "neutral_group", "fig": "figurative", "azc": "azc_opposition",
}
ALM = {"y": True, "n": False, "u": None}


def _verbatim(span: str, text: str, where: str) -> str:
    """Return the span exactly as written in text (annotations are typed case-blind)."""
    if span in text:
        return span
    at = text.lower().find(span.lower())
    if at < 0:
        raise ValueError(f"{where}: {span!r} does not occur in text")
    return text[at:at + len(span)]


def parse_line(line: str, where: str) -> dict:
    parts = line.split("|", 7)
    if len(parts) != 8:
        raise ValueError(f"{where}: expected 8 fields, got {len(parts)}")
    lab, reg, hn, alm, when, places, group, text = (p.strip() for p in parts)
    text = text.replace("\\n", "\n")
    labels = {
        "call_to_gathering": "c" in lab,
        "anti_government": "a" in lab,
        "polarising": "p" in lab,
        "threat": "t" in lab,
    }
    if lab != "-" and set(lab) - set("capt"):
        raise ValueError(f"{where}: bad labels {lab!r}")
    hard = None if hn == "-" else HARD[hn]
    if hard and labels["call_to_gathering"]:
        raise ValueError(f"{where}: hard negative marked as call")
    place_list = [] if places == "-" else [_verbatim(p.strip(), text, where) for p in
                                           places.split(";")]
    when = "" if when == "-" else _verbatim(when, text, where)
    if ALM[alm] is not None and not place_list and "036" not in text and \
            "#almere" not in text.lower():
        raise ValueError(f"{where}: in_almere set without any place/036/#almere")
    if ALM[alm] is None and place_list:
        raise ValueError(f"{where}: places given but in_almere unknown")
    return {
        "text": text, "labels": labels, "places": place_list, "in_almere": ALM[alm],
        "when": when, "register": REGISTERS[reg], "hard_negative": hard, "_group": group,
    }


def main() -> int:
    records: list[dict] = []
    errors: list[str] = []
    for src in sorted((HERE / "src").glob("*.txt")):
        for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                rec = parse_line(line, f"{src.name}:{n}")
            except (ValueError, KeyError) as exc:
                errors.append(f"{src.name}:{n}: {exc!r}")
                continue
            rec["_src"] = src.stem
            records.append(rec)
    if errors:
        raise SystemExit("\n".join(errors))
    texts = Counter(r["text"] for r in records)
    dups = [t for t, c in texts.items() if c > 1]
    if dups:
        raise SystemExit(f"duplicate texts: {dups[:3]}")
    groups: dict[str, str] = {}
    with OUT.open("w", encoding="utf-8") as fh:
        for i, rec in enumerate(records, 1):
            tag = rec.pop("_group")
            src = rec.pop("_src")
            if tag == "-":
                gid = f"a-g{len(groups) + 1:04d}"
                groups[f"__{i}"] = gid
            else:
                # tags starting with "x" are shared across source files (scenario clusters)
                key = tag if tag.startswith("x") else f"{src}:{tag}"
                if key not in groups:
                    groups[key] = f"a-g{len(groups) + 1:04d}"
                gid = groups[key]
            out = {"id": f"a-{i:04d}", **rec, "group": gid}
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} records, {len(set(groups.values()))} groups to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
