"""Check part_b.jsonl independently of the builder and print the counts for the report."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "part_b.jsonl"
KEYS = {"id", "text", "labels", "places", "in_almere", "when", "register", "hard_negative", "group"}
LABELS = {"call_to_gathering", "anti_government", "polarising", "threat"}
REGISTERS = {
    "news",
    "forum",
    "telegram",
    "whatsapp",
    "comment",
    "tweet",
    "mastodon",
    "reddit",
    "straattaal",
}
HARD = {
    "report",
    "private_plan",
    "online_action",
    "cultural_event",
    "warning",
    "criticism",
    "counter_speech",
    "quoted_hostility",
    "neutral_group",
    "figurative",
    "azc_opposition",
}


def main() -> int:
    errors: list[str] = []
    rows = []
    for n, line in enumerate(PATH.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {n}: {exc}")
            continue
        rows.append(row)
        if set(row) != KEYS:
            errors.append(f"line {n}: keys {sorted(row)}")
        if set(row["labels"]) != LABELS or not all(
            isinstance(v, bool) for v in row["labels"].values()
        ):
            errors.append(f"line {n}: labels {row['labels']}")
        for p in row["places"]:
            if p not in row["text"]:
                errors.append(f"line {n}: place {p!r} not in text")
        if row["when"] and row["when"] not in row["text"]:
            errors.append(f"line {n}: when not in text")
        if row["register"] not in REGISTERS:
            errors.append(f"line {n}: register {row['register']}")
        if row["hard_negative"] is not None and (
            row["hard_negative"] not in HARD or any(row["labels"].values())
        ):
            errors.append(f"line {n}: hard_negative {row['hard_negative']}")
        if row["in_almere"] not in (True, False, None):
            errors.append(f"line {n}: in_almere")
    ids = Counter(r["id"] for r in rows)
    errors += [f"duplicate id {i}" for i, c in ids.items() if c > 1]
    # Variants in one group must not disagree on labels only for the fairness groups;
    # elsewhere groups may mix (e.g. a threat and its figurative twin), so just report.
    for e in errors[:50]:
        print("ERROR", e)
    print(f"rows {len(rows)}  groups {len({r['group'] for r in rows})}  errors {len(errors)}")
    lab = Counter(k for r in rows for k, v in r["labels"].items() if v)
    print("labels:", dict(lab))
    print("no label:", sum(not any(r["labels"].values()) for r in rows))
    print("hard_negative:", dict(Counter(r["hard_negative"] for r in rows if r["hard_negative"])))
    print("hard_negative total:", sum(r["hard_negative"] is not None for r in rows))
    print("register:", dict(Counter(r["register"] for r in rows)))
    print("in_almere:", dict(Counter(str(r["in_almere"]) for r in rows)))
    combos = Counter("+".join(k[:4] for k, v in r["labels"].items() if v) or "none" for r in rows)
    print("combos:", dict(combos))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
