"""Build the TRAINING-ONLY augmentation parts from templates crossed with fillers.

Sources (this directory):
- `slots.txt`: fillers per slot (`[name]` starts a slot). Group and slur fillers are
  `plural;singular;group key`.
- `hate.txt` → `../aug_hate.jsonl` (ids `ah-NNNN`): polarising and threat posts and their hard
  negatives with the same vocabulary.
- `calls.txt` → `../aug_calls.jsonl` (`ac-NNNN`): terse calls to gather and their look-alikes.
- `gov.txt` → `../aug_gov.jsonl` (`ag-NNNN`): anti-government posts versus criticism and the
  institutions' own voice.
- Not built, kept for the next retrain (nlp/MODEL_CARD.md, models 64-72): `hate_short_neutral.txt`
  (short neutral mentions of a group), `hate_forms.txt` (threats against a group in other forms,
  their contrasts, denials and neutral mentions), `hate_negation.txt` (hostility worded with a
  negation, and denials), `fireworks.txt` (New Year's Eve talk, and fireworks as a weapon).

Template line: `labels|register|hard_negative|in_almere|K|text`
- labels: letters c/a/p/t or `-`; register and hard_negative codes as in `source_builder.py`;
- in_almere: `a` (from the places: an Almere filler → yes, only other places → no, none →
  unknown), or `y` / `n` / `u`;
- K: at most this many expansions (≤ 40), times the part's scale in PARTS
  (one for positive templates, one for hard negatives);
- text slots: {g} {G} {sg} (one identity group: plural, capitalised plural, singular),
  {slur} {slur1} (one slur: plural, singular), {dh} {adj} {v} {vp} {gb} {prop} {p}
  {off}/{Off} {offs}/{Offs} {inst}/{Inst} {org}/{Org} {pa}/{Pa} (Almere square or landmark)
  {wijk} (Almere district) {plein} (Almere square) {po} (place elsewhere) {t}/{T} {tp}/{Tp}
  (time); capitalised forms for the start of a sentence;
  `<<place>>` and `[[time]]` mark literal places and times.

All expansions of one template share one `group` (`<prefix>-tNNN`), so a template never straddles
splits. A share of the polarising and threat posts (and a smaller share of the hard negatives)
gets obfuscation noise on a target or violence word: digits or symbols for letters, spaced-out
letters, repeated letters, or the word run together with its neighbour. Labels are unchanged by
noise. Every record carries `"augmented": true`. Deterministic: one seeded RNG per part.

Run: .venv/bin/python nlp/corpus/aug_src/build_aug.py
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
sys.path.insert(0, str(HERE.parent))  # source_builder.py (register and hard-negative codes)
from source_builder import HARD, REGISTERS  # noqa: E402

SEED = 20261205
MAX_K = 40
# source → (output, id prefix, scale on K for positive templates, for hard-negative templates)
PARTS = {
    "hate.txt": ("aug_hate.jsonl", "ah", 0.38, 0.7),
    "calls.txt": ("aug_calls.jsonl", "ac", 0.3, 0.5),
    "gov.txt": ("aug_gov.jsonl", "ag", 0.85, 0.85),
}
# Slot name → the filler list it draws from and how it is rendered.
SLOT_BASE = {"g": "group", "G": "group", "sg": "group", "slur": "slur", "slur1": "slur",
             "Pa": "pa", "T": "t", "Tp": "tp", "Inst": "inst", "Off": "off",
             "Offs": "offs", "Org": "org"}
HOT_SLOTS = {"g", "G", "sg", "slur", "slur1", "dh", "adj", "v", "vp"}
HOT_WORDS = re.compile(
    r"\b(?:haat|haten|walg|tuig|kapot\w*|fik|hangen|kogel|afmaken|maak|deugen|ongedierte|"
    r"oprotten|rot|terug|dood|mes|molotov|uitroeien|slaan|steek|steken|molotov|vies|vieze|"
    r"vuile|smerig|walgelijk|kots)\b", re.I)
OBFUSCATE_SHARE = {"positive": 0.3, "negative": 0.1}
LEET = {"o": "0", "i": "1", "e": "3", "a": "4@", "s": "$"}
TAILS = ("", "", "", "!!", "...", "!", "!!!")
SLOT_RE = re.compile(r"\{(\w+)\}|<<(.+?)>>|\[\[(.+?)\]\]")
ARTICLE_RE = re.compile(r"^(?:het|de) ")
ALMERE_SLOTS = {"pa", "Pa", "wijk", "plein", "place_lit"}
PLACE_SLOTS = ALMERE_SLOTS | {"po"}
TIME_SLOTS = {"t", "T", "tp", "Tp", "when"}


def read_slots(path: Path) -> dict[str, list]:
    slots: dict[str, list] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            slots[current] = []
        elif current in ("group", "slur"):
            plural, singular, key = line.split(";")
            slots[current].append((plural, singular, key))
        else:
            slots[current].append(line)
    return slots


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def render(template: str, choice: dict, slots: dict) -> tuple[str, list, list]:
    """(text, places, spans); spans are (start, end, slot name)."""
    out, places, spans, pos = [], [], [], 0
    for m in SLOT_RE.finditer(template):
        out.append(template[pos:m.start()])
        start = sum(map(len, out))
        name, lit_place, lit_time = m.group(1), m.group(2), m.group(3)
        if lit_place is not None:
            value, name = lit_place, "place_lit"
        elif lit_time is not None:
            value, name = lit_time, "when"
        else:
            base = SLOT_BASE.get(name, name)
            filler = choice[base]
            if name in ("g", "G", "slur"):
                value = filler[0]
            elif name in ("sg", "slur1"):
                value = filler[1]
            else:
                value = filler
            if name in ("G", "Pa", "T", "Tp", "Inst", "Off", "Offs", "Org"):
                value = cap(value)
        out.append(value)
        spans.append((start, start + len(value), name))
        if name in PLACE_SLOTS:
            # The place as written, without a leading article that is no part of the name
            # ("het Stadhuisplein" → "Stadhuisplein"; "De Werven" stays).
            raw = lit_place if lit_place is not None else choice[SLOT_BASE.get(name, name)]
            cut = len(ARTICLE_RE.match(raw).group(0)) if ARTICLE_RE.match(raw) else 0
            places.append(value[cut:])
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), places, spans


def expansions(template: str, k: int, slots: dict, rng: random.Random) -> list[dict]:
    bases = []
    for m in SLOT_RE.finditer(template):
        if m.group(1):
            b = SLOT_BASE.get(m.group(1), m.group(1))
            if b not in bases:
                bases.append(b)
    if not bases:
        return [{}]
    # The first identity base (group or slur) is crossed in full rotation, the others drawn.
    lead = next((b for b in bases if b in ("group", "slur")), bases[0])
    leads = list(slots[lead])
    rng.shuffle(leads)
    total = 1
    for b in bases:
        total *= len(slots[b])
    n = min(k, total)
    out, seen = [], set()
    i = 0
    while len(out) < n and i < n * 20:
        choice = {b: rng.choice(slots[b]) for b in bases}
        choice[lead] = leads[i % len(leads)]
        i += 1
        key = json.dumps(choice, ensure_ascii=False, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(choice)
    return out


def _word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in re.finditer(r"[^\W\d_]{3,}",
                                                                        text[start:end])]


def obfuscate(text: str, spans: list, rng: random.Random) -> tuple[str, str] | None:
    """Noise on one target or violence word. (new text, method) or None."""
    protected = [(s, e) for s, e, n in spans if n in PLACE_SLOTS | TIME_SLOTS]

    def free(s: int, e: int) -> bool:
        return all(e <= ps or s >= pe for ps, pe in protected)

    cands = []
    for s, e, n in spans:
        if n in HOT_SLOTS:
            cands += _word_spans(text, s, e)
    cands += [(m.start(), m.end()) for m in HOT_WORDS.finditer(text)]
    cands = [c for c in cands if free(*c)]
    if not cands:
        return None
    s, e = rng.choice(cands)
    word = text[s:e]
    method = rng.choice(["leet", "leet", "spaced", "repeat", "glued"])
    if method == "leet":
        idx = [i for i, ch in enumerate(word) if ch.lower() in LEET]
        if not idx:
            method = "spaced"
        else:
            chosen = set(rng.sample(idx, max(1, min(len(idx), rng.randint(1, 3)))))
            new = "".join(rng.choice(LEET[ch.lower()]) if i in chosen else ch
                          for i, ch in enumerate(word))
    if method == "spaced":
        new = " ".join(word.lower() if rng.random() < 0.7 else word)
    if method == "repeat":
        vowels = [i for i, ch in enumerate(word) if ch.lower() in "aeiouy"] or [len(word) - 1]
        i = rng.choice(vowels)
        new = word[:i + 1] + word[i] * rng.randint(2, 4) + word[i + 1:]
    if method == "glued":
        # Run together with the next word (or the previous one at the end of the text),
        # never with a place or time.
        if e < len(text) - 1 and text[e] == " " and text[e + 1].isalnum() and free(e, e + 2):
            return text[:e] + text[e + 1:], method
        if s > 1 and text[s - 1] == " " and text[s - 2].isalnum() and free(s - 2, s):
            return text[:s - 1] + text[s:], method
        return None
    return text[:s] + new + text[e:], method


def surface_noise(text: str, spans: list, rng: random.Random) -> str:
    """Casing, punctuation, a typo now and then, as online text goes."""
    protected = [(s, e) for s, e, n in spans if n not in HOT_SLOTS]
    if text[:1].isupper() and rng.random() < 0.35 and not any(s == 0 for s, _ in protected):
        text = text[0].lower() + text[1:]
    if text.endswith(".") and not text.endswith("..") and rng.random() < 0.45:
        text = text[:-1]
    if rng.random() < 0.08:
        words = [(m.start(), m.end()) for m in re.finditer(r"[a-z]{6,}", text)]
        words = [w for w in words if all(w[1] <= s or w[0] >= e for s, e, _ in spans)]
        if words:
            s, e = rng.choice(words)
            i = rng.randint(s + 1, e - 3)
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
    tail = rng.choice(TAILS)
    if tail and text[-1:] not in "!?.":
        text += tail
    return text


def text_key(text: str) -> str:
    return hashlib.sha1(" ".join(text.lower().split()).encode()).hexdigest()[:16]


def existing_keys() -> set[str]:
    """Text keys of the non-augmented corpus files (so no augmented text merges a test group)."""
    keys = set()
    for path in sorted(CORPUS.glob("*.jsonl")):
        if path.name.startswith("aug_"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            # relabels.jsonl holds label changes, not posts
            if line.strip() and "text" in (rec := json.loads(line)):
                keys.add(text_key(rec["text"]))
    return keys


def build_part(src: Path, prefix: str, scales: tuple[float, float], slots: dict,
               taken: set[str]) -> tuple[list[dict], int, int]:
    rng = random.Random(f"{SEED}:{src.name}")
    recs, templates, dropped = [], 0, 0
    noised: Counter = Counter()
    for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{src.name}:{n}"
        lab, reg, hard, alm, k, template = (p.strip() for p in line.split("|", 5))
        if lab != "-" and set(lab) - set("capt"):
            raise ValueError(f"{where}: bad labels {lab!r}")
        if hard != "-" and lab != "-":
            raise ValueError(f"{where}: a hard negative has no labels")
        if int(k) > MAX_K:
            raise ValueError(f"{where}: K > {MAX_K}")
        templates += 1
        group = f"{prefix}-t{templates:03d}"
        positive = lab != "-"
        scale = scales[0] if positive else scales[1]
        for choice in expansions(template, max(1, round(int(k) * scale)), slots, rng):
            text, places, spans = render(template, choice, slots)
            if rng.random() < OBFUSCATE_SHARE["positive" if positive else "negative"] and (
                    prefix == "ah"):
                got = obfuscate(text, spans, rng)
                if got:
                    text = got[0]
                    noised[got[1]] += 1
            else:
                text = surface_noise(text, spans, rng)
            whens = [text[s:e] for s, e, nm in spans if nm in TIME_SLOTS]
            when = whens[0] if whens else ""
            for p in places + ([when] if when else []):
                if p not in text:
                    raise ValueError(f"{where}: {p!r} not verbatim in {text!r}")
            if alm == "a":
                in_alm = (True if any(nm in ALMERE_SLOTS for *_, nm in spans)
                          else False if any(nm == "po" for *_, nm in spans) else None)
            else:
                in_alm = {"y": True, "n": False, "u": None}[alm]
            key = text_key(text)
            if key in taken:
                dropped += 1
                continue
            taken.add(key)
            group_key = next((choice[b][2] for b in ("group", "slur") if b in choice), None)
            recs.append({
                "text": text,
                "labels": {"call_to_gathering": "c" in lab, "anti_government": "a" in lab,
                           "polarising": "p" in lab, "threat": "t" in lab},
                "places": places, "in_almere": in_alm, "when": when,
                "register": REGISTERS[reg], "hard_negative": None if hard == "-" else HARD[hard],
                "group": group, "augmented": True, "_target": group_key,
            })
    if noised:
        print(f"{src.name}: obfuscated {sum(noised.values())} posts {dict(noised)}")
    return recs, templates, dropped


def main() -> int:
    slots = read_slots(HERE / "slots.txt")
    taken = existing_keys()
    for src_name, (out_name, prefix, *scales) in PARTS.items():
        recs, templates, dropped = build_part(HERE / src_name, prefix, tuple(scales), slots,
                                              taken)
        keys = Counter(r["_target"] for r in recs if r["_target"] and any(r["labels"].values()))
        with (CORPUS / out_name).open("w", encoding="utf-8") as fh:
            for i, rec in enumerate(recs, 1):
                rec.pop("_target")
                fh.write(json.dumps({"id": f"{prefix}-{i:04d}", **rec}, ensure_ascii=False)
                         + "\n")
        print(f"{out_name}: {len(recs)} posts from {templates} templates"
              f" ({dropped} dropped as duplicates); positives per group key: {dict(keys)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
