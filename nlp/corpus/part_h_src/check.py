"""Validate part_h source files: the compact format of nlp/corpus/source_builder.py, no exact copy
of any corpus text, no near-duplicate (rapidfuzz ratio >= 85) within part_h, and no line close
(ratio >= 80) to any case of the functional suite, which must stay an outside measure. Prints
only line numbers and reasons, never the texts it compared with.

Run: .venv/bin/python nlp/corpus/part_h_src/check.py [h1.txt ...]   (default: every h*.txt)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rapidfuzz import fuzz, process

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
ROOT = CORPUS.parent.parent
sys.path.insert(0, str(CORPUS))

from source_builder import parse  # noqa: E402


def _norm(t: str) -> str:
    return " ".join(t.lower().split())


def _texts(path: Path) -> list[str]:
    return [json.loads(line).get("text", "") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def check(files: list[Path]) -> list[str]:
    corpus = {_norm(t) for p in CORPUS.glob("*.jsonl") if p.name != "part_h.jsonl"
              for t in _texts(p)}
    functional = [_norm(t) for t in _texts(ROOT / "nlp" / "functional" / "cases.jsonl")]
    errors: list[str] = []
    seen: list[str] = []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            where = f"{path.name}:{n}"
            try:
                rec = parse(line, where)
            except (ValueError, KeyError) as exc:
                errors.append(f"{where}: {exc}")
                continue
            text = _norm(rec["text"])
            if text in corpus:
                errors.append(f"{where}: exact copy of a corpus text")
            hit = process.extractOne(text, functional, scorer=fuzz.ratio, score_cutoff=80)
            if hit:
                errors.append(f"{where}: too close to a functional-suite case (ratio "
                              f"{hit[1]:.0f}); write it differently")
            near = process.extractOne(text, seen, scorer=fuzz.ratio, score_cutoff=85)
            if near:
                errors.append(f"{where}: near-duplicate of another part_h line (ratio "
                              f"{near[1]:.0f}): {near[0][:60]}")
            seen.append(text)
    return errors


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted(HERE.glob("h*.txt"))
    errs = check([a if a.is_absolute() else Path.cwd() / a for a in args])
    print("\n".join(errs) if errs else "ok")
    sys.exit(1 if errs else 0)
