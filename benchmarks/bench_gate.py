"""The stage-2 gate's trade-off, measured on the committed model: for each gate, the share of
positive posts that reach the sentence embedding (test split, the team's functional suite) and
the share of everyday posts that pay for it (the stream of bench_classify), and at the shipped
gate the shares that the screen passes on to e5 (nlp.model). Only the gates' rows are stage-1
probabilities alone; the screen's row embeds the candidates with the distilled student (about a
minute).

It reports; it chooses nothing. The gate is chosen in training by cross-validation on train +
dev (nlp/training.py), never on the test split or the functional suite.

Run:  .venv/bin/python benchmarks/bench_gate.py [--gates 0.10 0.07 0.05 0.03 0.02]
      [--model-dir var/model-candidate]   (default: the packaged model; its own gate is added)
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from everyday import unique_chatter
from machine import cpu_info


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gates", type=float, nargs="+", default=[0.10, 0.07, 0.05, 0.03, 0.02])
    ap.add_argument("--model-dir", type=Path, default=None)
    args = ap.parse_args()

    from nlp.api import get_enricher

    clf = get_enricher(args.model_dir).clf

    from nlp.corpus import assign_splits, by_split, load_corpus
    from nlp.functional.files import load_cases

    posts = load_corpus()
    test = by_split(posts, assign_splits(posts))["test"]
    sets = {
        "test split, positives": [p.text for p in test if any(p.labels.values())],
        "functional suite, positives": [c["text"] for c in load_cases()
                                        if any(c["expected"].values())],
        "everyday posts": [unique_chatter(random.Random(i), i) for i in range(3000)],
    }
    from nlp.evaluation import routes

    routed = {name: routes(clf, texts) for name, texts in sets.items()}
    gates = sorted({*args.gates, clf.gate}, reverse=True)
    rows = {f"{g:.2f}": {name: round(float((r.top1 >= g).mean()), 4)
                         for name, r in routed.items()}
            for g in gates}
    print(json.dumps({**cpu_info(), "model": clf.version, "shipped_gate": clf.gate,
                      "screen_gate": clf.screen_gate if clf.screen_models else None,
                      "sizes": {k: len(v) for k, v in sets.items()},
                      "share_at_or_above_gate": rows,
                      "share_reaching_e5": {name: round(len(r.to_e5) / len(sets[name]), 4)
                                            for name, r in routed.items()}},
                     indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
