"""Validate an annotated corpus JSONL file and print label/register statistics.

Usage: python nlp/corpus/tools/validate_corpus.py [path ...]
Exits non-zero when any line breaks the schema in ANNOTATION.md / the corpus brief.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

LABELS = ("call_to_gathering", "anti_government", "polarising", "threat")
REGISTERS = {"news", "forum", "telegram", "whatsapp", "comment", "tweet", "mastodon",
             "reddit", "straattaal"}
HARD = {None, "report", "private_plan", "online_action", "cultural_event", "warning",
        "criticism", "counter_speech", "quoted_hostility", "neutral_group", "figurative",
        "azc_opposition"}
KEYS = {"id", "text", "labels", "places", "in_almere", "when", "register",
        "hard_negative", "group"}


def check(rec: dict) -> list[str]:
    errs: list[str] = []
    if set(rec) != KEYS:
        errs.append(f"keys {sorted(set(rec) ^ KEYS)}")
        return errs
    if set(rec["labels"]) != set(LABELS) or not all(
            isinstance(v, bool) for v in rec["labels"].values()):
        errs.append("labels must have exactly the four boolean keys")
    if not isinstance(rec["text"], str) or not rec["text"].strip():
        errs.append("empty text")
    for p in rec["places"]:
        if p not in rec["text"]:
            errs.append(f"place {p!r} not verbatim")
    if rec["when"] and rec["when"] not in rec["text"]:
        errs.append(f"when {rec['when']!r} not verbatim")
    if rec["in_almere"] not in (True, False, None):
        errs.append("in_almere must be true/false/null")
    if rec["register"] not in REGISTERS:
        errs.append(f"register {rec['register']!r}")
    if rec["hard_negative"] not in HARD:
        errs.append(f"hard_negative {rec['hard_negative']!r}")
    if rec["hard_negative"] and rec["labels"]["call_to_gathering"]:
        errs.append("hard negative labelled as call")
    return errs


def main(paths: list[str]) -> int:
    bad = 0
    recs: list[dict] = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{path}:{n}: not JSON: {exc}")
                bad += 1
                continue
            for e in check(rec):
                print(f"{path}:{n} {rec.get('id')}: {e}")
                bad += 1
            recs.append(rec)
    ids = Counter(r.get("id") for r in recs)
    texts = Counter(r.get("text") for r in recs)
    for i, c in ids.items():
        if c > 1:
            print(f"duplicate id {i}")
            bad += 1
    for t, c in texts.items():
        if c > 1:
            print(f"duplicate text {t[:60]!r}")
            bad += 1
    print(f"records: {len(recs)}  groups: {len({r['group'] for r in recs})}  errors: {bad}")
    print("labels (true):", {k: sum(r["labels"][k] for r in recs) for k in LABELS})
    combos = Counter("+".join(k for k in LABELS if r["labels"][k]) or "none" for r in recs)
    print("label combinations:", dict(combos.most_common()))
    print("hard_negative:", dict(Counter(r["hard_negative"] for r in recs).most_common()))
    print("register:", dict(Counter(r["register"] for r in recs).most_common()))
    print("in_almere:", dict(Counter(str(r["in_almere"]) for r in recs).most_common()))
    pos = [r for r in recs if r["labels"]["call_to_gathering"]]
    print("in_almere among calls:", dict(Counter(str(r["in_almere"]) for r in pos)))
    print("calls with when:", sum(bool(r["when"]) for r in pos), "/", len(pos))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(Path(__file__).resolve().parent.parent / "part_a.jsonl")]))
