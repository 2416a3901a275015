"""Build nlp/corpus/part_g.jsonl (everyday negatives, all four labels false) from g_everyday.txt.

Format (one post per line; '#' lines are comments):
  @reg <code>   register for following lines: tw=tweet fo=forum wa=whatsapp co=comment
                ma=mastodon re=reddit na=neighbourhood_app
  hard|in_almere|when|places|text
      hard: pp=private_plan, ce=cultural_event, '-' none; in_almere: y/n/u;
      when: '-' or verbatim time expression; places: '-' or ';'-separated, verbatim.
Validates verbatim places/when, in_almere cues, no exact duplicate with any corpus part and no
near-duplicate (rapidfuzz ratio >= 85) within part_g. Ids g-NNNN, groups g-gNNNN.
Run: .venv/bin/python nlp/corpus/part_g_src/build_part_g.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from rapidfuzz import fuzz, process

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
OUT = CORPUS / "part_g.jsonl"
REG = {"tw": "tweet", "fo": "forum", "wa": "whatsapp", "co": "comment", "ma": "mastodon",
       "re": "reddit", "na": "neighbourhood_app"}
HARD = {"pp": "private_plan", "ce": "cultural_event", "-": None}
ALM = {"y": True, "n": False, "u": None}
ALMERE_CUES = ("almere", "036")


def norm(t: str) -> str:
    return " ".join(t.lower().split())


def main() -> int:
    errors, recs, reg = [], [], None
    for n, raw in enumerate((HERE / "g_everyday.txt").read_text(encoding="utf-8").splitlines(), 1):
        line, where = raw.strip(), f"g_everyday.txt:{n}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("@reg"):
            reg = REG[line.split()[1]]
            continue
        parts = [p.strip() for p in line.split("|", 4)]
        if len(parts) != 5 or reg is None:
            errors.append(f"{where}: bad line")
            continue
        hard, alm, when, places, text = parts
        pl = [] if places == "-" else [p.strip() for p in places.split(";")]
        when = "" if when == "-" else when
        if hard not in HARD or alm not in ALM:
            errors.append(f"{where}: bad hard/alm")
            continue
        for p in pl:
            if p not in text:
                errors.append(f"{where}: place {p!r} not verbatim")
        if when and when not in text:
            errors.append(f"{where}: when {when!r} not verbatim")
        if alm == "y" and not pl and not any(c in text.lower() for c in ALMERE_CUES):
            errors.append(f"{where}: in_almere=y without place/cue")
        if alm == "n" and not pl:
            errors.append(f"{where}: in_almere=n without place")
        if alm == "u" and (pl or "#almere" in text.lower() or "036" in text):
            errors.append(f"{where}: in_almere=u but place/cue present")
        recs.append({"text": text, "places": pl, "in_almere": ALM[alm], "when": when,
                     "register": reg, "hard_negative": HARD[hard], "_where": where})
    others = set()
    for p in CORPUS.glob("*.jsonl"):
        if p != OUT and not p.name.startswith("aug_"):  # aug_* deliberately not read
            others |= {norm(json.loads(row).get("text", "")) for row in p.open(encoding="utf-8")
                       if row.strip()}
    seen: list[str] = []
    for r in recs:
        t = norm(r["text"])
        if t in others:
            errors.append(f"{r['_where']}: duplicate of another corpus part")
        if seen:
            m = process.extractOne(t, seen, scorer=fuzz.ratio)
            if m and m[1] >= 85:
                errors.append(f"{r['_where']}: near-duplicate ({m[1]:.0f}) of {m[0]!r}")
        seen.append(t)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    with OUT.open("w", encoding="utf-8") as f:
        for i, r in enumerate(recs, 1):
            f.write(json.dumps({
                "id": f"g-{i:04d}", "text": r["text"],
                "labels": {"call_to_gathering": False, "anti_government": False,
                           "polarising": False, "threat": False},
                "places": r["places"], "in_almere": r["in_almere"], "when": r["when"],
                "register": r["register"], "hard_negative": r["hard_negative"],
                "group": f"g-g{i:04d}", "source_kind": "everyday",
                "source": "invented (oov-signals team)"}, ensure_ascii=False) + "\n")
    print(f"wrote {len(recs)} posts to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
