"""Build nlp/corpus/part_f.jsonl (real-register negatives) from the compact files in this folder.

Source files: f1_real.txt (verbatim public text, with source and licence per block), then
f2_policy.txt, f3_press.txt, f4_news.txt, f5_app.txt, f6_event.txt, f7_more.txt (invented,
oov-signals team; f7 added on 2026-12-05 after the others, so the older ids stay).

Format (one post per line; '#' lines are comments):
  @reg  <code>        register for the following lines: po=policy, pr=press_release, nw=news,
                      na=neighbourhood_app, ev=event
  @hard <code>        default hard-negative kind (see HARD) for the following lines
  @kind <text>        document type for the following lines ("wettekst", "kamerbrief", ... or
                      "invented"); written as a prefix of `source` for real text
  @src  <text>        source (URL or repository+path, and licence) for the following lines
  hard|in_almere|when|places|text
      hard: a HARD code, '=' for the @hard default, '-' for none; in_almere: y/n/u;
      when: '-' or the time expression verbatim; places: '-' or ';'-separated, verbatim.
  !labels|hard|in_almere|when|places|text   (labels c/a/p/t: only for a post that meets the
      guideline; none in this part so far)

Run: .venv/bin/python nlp/corpus/part_f_src/build_part_f.py
Each record gets `source_kind` (the kind of source: policy, press_release, news, neighbourhood_app,
event — the same as its register here) and `source` (document type, document and licence, or
"invented (oov-signals team)"); nlp.corpus reads them as Post.source_kind and Post.provenance.
It validates (verbatim places/when, no hard negative marked as a call, in_almere needs a place or
an Almere cue, no exact duplicate within part_f or with another corpus part, no near-duplicate
(rapidfuzz ratio >= 80) within part_f) and writes ../part_f.jsonl with ids f-NNNN, groups f-gNNNN.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rapidfuzz import fuzz, process

from nlp.corpus_source import labels_from_letters, verbatim_places_and_when

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
OUT = CORPUS / "part_f.jsonl"
SOURCES = ["f1_real.txt", "f2_policy.txt", "f3_press.txt", "f4_news.txt", "f5_app.txt", "f6_event.txt",
           "f7_more.txt"]

REG = {"po": "policy", "pr": "press_release", "nw": "news", "na": "neighbourhood_app", "ev": "event"}
HARD = {"ins": "institutional", "rep": "report", "pp": "private_plan", "oa": "online_action",
        "ce": "cultural_event", "wa": "warning", "cr": "criticism", "cs": "counter_speech",
        "qh": "quoted_hostility", "ng": "neutral_group", "fig": "figurative", "azc": "azc_opposition"}
ALM = {"y": True, "n": False, "u": None}
ALMERE_CUES = ("almere", "036", "stadhuisplein", "esplanade", "grote markt", "weerwater")


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def parse_file(path: Path, errors: list[str]) -> list[dict]:
    recs: list[dict] = []
    state = {"reg": None, "hard": None, "kind": None, "src": None}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path.name}:{n}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            key, _, val = line[1:].partition(" ")
            if key not in state:
                raise ValueError(f"{where}: unknown directive {key!r}")
            state[key] = val.strip()
            continue
        try:
            recs.append(parse_line(line, where, state))
        except (ValueError, KeyError) as exc:
            errors.append(f"{where}: {exc}")
    return recs


def parse_line(line: str, where: str, state: dict) -> dict:
    if True:
        labels = ""
        if line.startswith("!"):
            labels, _, line = line[1:].partition("|")
        parts = [p.strip() for p in line.split("|", 4)]
        if len(parts) != 5:
            raise ValueError(f"{where}: expected 5 fields")
        hard, alm, when, places, text = parts
        if not all(state.values()):
            raise ValueError(f"{where}: @reg/@hard/@kind/@src must be set before posts")
        hard = state["hard"] if hard == "=" else hard
        hard_kind = None if hard == "-" else HARD[hard]
        if hard_kind and "c" in labels:
            raise ValueError(f"{where}: hard negative marked as call")
        place_list, when = verbatim_places_and_when(places, when, text, where)
        if alm not in ALM:
            raise ValueError(f"{where}: in_almere must be y/n/u")
        if alm == "y" and not place_list and not any(c in text.lower() for c in ALMERE_CUES):
            raise ValueError(f"{where}: in_almere=y without a place or Almere cue")
        if alm == "n" and not place_list:
            raise ValueError(f"{where}: in_almere=n without a place")
        return {
            "text": text,
            "labels": labels_from_letters(labels or "-", where),
            "places": place_list, "in_almere": ALM[alm], "when": when,
            "register": REG[state["reg"]], "hard_negative": hard_kind,
            # source_kind: the kind of source (issue 12 §3), one per register; source: the
            # document type, the document and its licence, or "invented (oov-signals team)".
            "source_kind": REG[state["reg"]],
            "source": state["src"] if state["kind"] == "invented" else f"{state['kind']}: {state['src']}",
            "_where": where,
        }


def other_texts() -> dict[str, str]:
    out = {}
    for p in sorted(CORPUS.glob("*.jsonl")):
        if p.name == OUT.name:
            continue
        for line in p.read_text(encoding="utf-8").splitlines():
            d = json.loads(line) if line.strip() else {}
            if "text" in d:  # relabels.jsonl holds label changes, not posts
                out[norm(d["text"])] = f"{p.name}:{d['id']}"
    return out


def main() -> int:
    errors: list[str] = []
    recs = [r for name in SOURCES for r in parse_file(HERE / name, errors)]
    seen: dict[str, str] = {}
    others = other_texts()
    for r in recs:
        k = norm(r["text"])
        if k in seen:
            errors.append(f"{r['_where']}: duplicate of {seen[k]}")
        if k in others:
            errors.append(f"{r['_where']}: duplicate of {others[k]}")
        seen.setdefault(k, r["_where"])
    keys = [norm(r["text"]) for r in recs]
    for i, k in enumerate(keys):
        for _, score, j in process.extract(k, keys, scorer=fuzz.ratio, score_cutoff=80, limit=None):
            if j > i:
                errors.append(f"{recs[i]['_where']} ~ {recs[j]['_where']}: ratio {score:.0f}")
    if errors:
        print("\n".join(errors))
        return 1
    with OUT.open("w", encoding="utf-8") as fh:
        for i, r in enumerate(recs, 1):
            r.pop("_where")
            rec = {"id": f"f-{i:04d}", **{k: r[k] for k in ("text", "labels", "places", "in_almere",
                                                             "when", "register", "hard_negative")},
                   "group": f"f-g{i:04d}", "source_kind": r["source_kind"], "source": r["source"]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {len(recs)} records to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
