"""Two ways to let fewer everyday posts through to the sentence embedding at the same recall,
measured out of fold on the annotated train + dev posts (no test post, no functional case):

1. the stage-1 models' C: the shipped C is chosen for stage-1 F1, but stage 1 only decides
   which posts stage 2 scores (the gate, 0.03, lies below every threshold), so the C that lets
   the fewest negatives through at the gate's recall would be the better choice;
2. one gate per label instead of one gate on the highest of the four probabilities, each raised
   while the recall over all positive posts stays at the target.

For each it prints the negatives that reach stage 2, over all train + dev negatives and over the
everyday posts of part_g. It reports; it chooses nothing (nlp/training.py chooses the gate).
Stage-1 features only, nothing is embedded: about 2 minutes on one core.

Run:  .venv/bin/python benchmarks/bench_gate_choices.py [--c 0.5 2 8 32 128] [--recall 0.99]
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from machine import cpu_info
from stage1_oof import stage1_out_of_fold


def per_label_gates(p1: np.ndarray, gold: np.ndarray, recall: float,
                    grid: np.ndarray) -> list[float]:
    """Greedy: start every label at the lowest gate, raise the gate whose rise lets the fewest
    negatives through while the recall over positive posts stays at `recall`."""
    positive = gold.any(axis=0)
    step = float(grid[1] - grid[0])
    gates = [float(grid[0])] * len(p1)

    def shares(g: list[float]) -> tuple[float, float]:
        passed = (p1 >= np.array(g)[:, None]).any(axis=0)
        return float(passed[positive].mean()), float(passed[~positive].mean())

    while True:
        options = []
        for i in range(len(gates)):
            raised = [*gates]
            raised[i] = round(raised[i] + step, 2)
            got, negatives = shares(raised)
            if got >= recall:
                options.append((negatives, raised))
        if not options:
            return gates
        gates = min(options)[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--c", type=float, nargs="+", default=[0.5, 2.0, 8.0, 32.0, 128.0])
    ap.add_argument("--recall", type=float, default=0.99)
    args = ap.parse_args()

    from nlp.operating_points import GATE_GRID, choose_gate
    from nlp.types import LABELS

    oof = stage1_out_of_fold(tuple(args.c))
    real = oof.real
    gold = oof.inputs.gold[:, real]
    positive = gold.any(axis=0)
    everyday = np.array([p.source == "part_g" for p in oof.annotated])[real] & ~positive

    def passed_shares(passed: np.ndarray) -> list[float]:
        """Recall over positive posts, and the share of negatives and of everyday posts passed."""
        return [round(float(passed[mask].mean()), 4) for mask in (positive, ~positive, everyday)]

    rows = {}
    for c in args.c:
        p1 = oof.p1[c][:, real]
        gate = choose_gate(p1, gold, args.recall)
        gates = per_label_gates(p1, gold, args.recall, GATE_GRID)
        rows[f"C={c:g}"] = {
            "one gate": gate,
            "one gate: recall / negatives / everyday passed": passed_shares(
                p1.max(axis=0) >= gate),
            "per-label gates": dict(zip(LABELS, gates, strict=True)),
            "per-label gates: recall / negatives / everyday passed": passed_shares(
                (p1 >= np.array(gates)[:, None]).any(axis=0)),
        }
    print(json.dumps({**cpu_info(), "posts": int(real.sum()), "positives": int(positive.sum()),
                      "everyday": int(everyday.sum()), "recall_target": args.recall,
                      "by_stage1_c": rows}, indent=2))


if __name__ == "__main__":
    main()
