"""Score a part_h source file that is not built into training (an evaluation set such as h27 or
h28) with a model, and print counts only: per label the posts found, missed and falsely
flagged, and how many posts with no label get any flag. No text is printed, so that a set
written apart from the rules can measure them without becoming their development set.

Run:  .venv/bin/python nlp/corpus/tools/score_source.py nlp/corpus/part_h_src/h27.txt
      [--model-dir DIR]   (default: the packaged model, with the cues of this checkout)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from source_builder import parse  # noqa: E402

from nlp.api import get_enricher  # noqa: E402
from nlp.vocabulary import LABELS  # noqa: E402


def score(path: Path, model_dir: Path | None = None) -> dict:
    records = [parse(line, f"{path.name}:{n}")
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if line.strip() and not line.startswith("#")]
    results = get_enricher(model_dir).enrich([r["text"] for r in records])
    out: dict = {}
    for label in LABELS:
        pairs = [(r["labels"][label], e.labels[label].flag) for r, e in zip(records, results,
                                                                             strict=True)]
        out[label] = {"found": sum(g and f for g, f in pairs),
                      "missed": sum(g and not f for g, f in pairs),
                      "false_alarms": sum(f and not g for g, f in pairs),
                      "positives": sum(g for g, _ in pairs)}
    negatives = [e for r, e in zip(records, results, strict=True) if not any(r["labels"].values())]
    out["negatives"] = len(negatives)
    out["negatives_flagged"] = sum(any(s.flag for s in e.labels.values()) for e in negatives)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--model-dir", type=Path, default=None)
    args = parser.parse_args()
    print(json.dumps(score(args.source, args.model_dir), indent=1))


if __name__ == "__main__":
    main()
