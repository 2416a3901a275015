"""Run the classifier over the functional suite, through the public API, and hold every
functionality to its bar.

The suite is never used to train or to choose thresholds: this only measures.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from nlp.functional.files import CASES_PATH, RESULTS_PATH, cases_sha256, load_cases
from nlp.functional.spec import LABELS, bar_for, meets_bar
from nlp.functional.targets import BY_KEY
from nlp.functional.templates import BY_ID
from nlp.model_files import DEFAULT_MODEL_DIR
from nlp.types import Enrichment

_BATCH = 256
# Where a positive case that is not flagged was lost: set aside by the language check, kept from
# any embedding by the gate, stopped by the screen, or scored by e5 and still below the threshold.
STAGES = ("language", "gate", "screen", "e5")
# A case, its flags, whether its language is supported, and its route (reached an embedding,
# reached e5; None for a negative case or a stub enricher).
Row = tuple[dict, dict[str, bool], bool, tuple[bool, bool] | None]


class SupportsEnrich(Protocol):
    """What the suite needs of `nlp.api.Enricher`."""

    @property
    def version(self) -> str: ...

    def enrich(self, texts: Sequence[str]) -> list[Enrichment]: ...


@dataclass(slots=True)
class FunctionalityResult:
    id: str
    label: str
    positive: bool
    n: int
    rate: float  # recall of `label` (positive) or share flagged with it (negative)
    bar: float
    met: bool
    # Other labels the cases assert: the share of cases where the flag agrees.
    also: dict[str, dict[str, float | bool]] = field(default_factory=dict)
    # Share of cases the language check did not take as Dutch or English (never flagged).
    unsupported: float = 0.0
    # A positive functionality's misses by where the cascade lost them (STAGES); empty for a
    # negative functionality or a stub enricher.
    lost: dict[str, int] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "positive" if self.positive else "negative"


@dataclass(slots=True)
class FunctionalReport:
    model_version: str
    cases_sha256: str
    n_cases: int
    results: list[FunctionalityResult]
    # Recall of `polarising` over the hateful group cases, per target category.
    by_category: dict[str, float] = field(default_factory=dict)
    # Shares of the positive cases that reach an embedding and that reach e5 (None for a stub
    # enricher).
    gate_recall: float | None = None
    e5_recall: float | None = None

    @property
    def misses(self) -> list[FunctionalityResult]:
        return [r for r in self.results if not r.met]

    def table(self) -> str:
        lines = [
            f"functional suite: {self.n_cases} cases, {len(self.results)} functionalities, "
            f"model {self.model_version}; {len(self.misses)} below their bar"
            + (f"; gate recall over the positive cases {self.gate_recall:.3f}"
               f" (reaching e5: {self.e5_recall:.3f})"
               if self.gate_recall is not None and self.e5_recall is not None else ""),
            "",
            "| functionality | label | kind | n | rate | bar | met? | other labels | not nl/en "
            "| misses lost at |",
            "|---|---|---|---:|---:|---|---|---|---:|---|",
        ]
        for r in self.results:
            op = "≥" if r.positive else "≤"
            other = ", ".join(f"{k} {'yes' if v['expected'] else 'no'} {v['agree']:.2f}"
                              for k, v in r.also.items())
            lost = ", ".join(f"{stage} {n}" for stage, n in r.lost.items() if n)
            lines.append(f"| {r.id} | {r.label} | {r.kind} | {r.n} | {r.rate:.2f} "
                         f"| {op} {r.bar:.2f} | {'yes' if r.met else '**no**'} | {other} "
                         f"| {r.unsupported:.2f} | {lost} |")
        lines += ["", "rate: recall of the label (positive) or share flagged with it (negative);"
                  " other labels: share of cases where that flag agrees;"
                  " not nl/en: share the language check set aside (never flagged);"
                  " misses lost at: a positive functionality's missed cases by where the cascade"
                  " lost them (language check, gate, screen, or e5 below the threshold)."]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "model_version": self.model_version,
            "cases_sha256": self.cases_sha256,
            "n_cases": self.n_cases,
            "n_functionalities": len(self.results),
            "n_below_bar": len(self.misses),
            "functionalities": {r.id: {k: v for k, v in asdict(r).items() if k != "id"}
                                for r in self.results},
            "polarising_recall_by_category": self.by_category,
            "gate_recall": self.gate_recall,
            "e5_recall": self.e5_recall,
        }


def _enricher(source: SupportsEnrich | Path | str | None) -> SupportsEnrich:
    if source is not None and not isinstance(source, Path | str):
        return source
    # Imported on use: the real enricher loads spaCy and scikit-learn; callers that pass their
    # own (the suite's tests pass a stub) must not pay for that.
    from nlp.api import get_enricher

    return get_enricher(Path(source) if source is not None else DEFAULT_MODEL_DIR)


def _flags(enricher: SupportsEnrich, texts: list[str]) -> tuple[list[dict[str, bool]], list[bool]]:
    flags: list[dict[str, bool]] = []
    supported: list[bool] = []
    for start in range(0, len(texts), _BATCH):
        for e in enricher.enrich(texts[start:start + _BATCH]):
            flags.append({label: e.labels[label].flag for label in LABELS})
            supported.append(e.language in ("nl", "en"))
    return flags, supported


def _lost_at(supported: bool, route: tuple[bool, bool]) -> str:
    if not supported:
        return "language"
    reached_embedding, reached_e5 = route
    return "e5" if reached_e5 else "screen" if reached_embedding else "gate"


def _score(fid: str, rows: list[Row]) -> FunctionalityResult:
    f = BY_ID[fid]
    n = len(rows)
    rate = sum(flags[f.label] for _, flags, _, _ in rows) / n
    also: dict[str, dict[str, float | bool]] = {}
    for label, want in f.also.items():
        agree = sum(flags[label] == want for _, flags, _, _ in rows) / n
        also[label] = {"expected": want, "agree": round(agree, 4)}
    lost: dict[str, int] = {}
    if f.positive and all(route is not None for *_, route in rows):
        counts = Counter(_lost_at(ok, route) for _, flags, ok, route in rows
                         if not flags[f.label] and route is not None)
        lost = {stage: counts[stage] for stage in STAGES}
    return FunctionalityResult(
        id=fid, label=f.label, positive=f.positive, n=n, rate=round(rate, 4),
        bar=bar_for(f.label, f.positive), met=meets_bar(rate, f.label, f.positive),
        also=also, unsupported=round(sum(not ok for _, _, ok, _ in rows) / n, 4), lost=lost)


def _by_category(rows: list[Row]) -> dict[str, float]:
    hits: dict[str, list[bool]] = defaultdict(list)
    for case, flags, _, _ in rows:
        if case["target"] and case["expected"].get("polarising"):
            hits[BY_KEY[case["target"]].category].append(flags["polarising"])
    return {cat: round(sum(v) / len(v), 4) for cat, v in sorted(hits.items())}


def _routes(enricher: SupportsEnrich, cases: list[dict]
            ) -> tuple[list[tuple[bool, bool] | None], tuple[float | None, float | None]]:
    """Each positive case's route through the cascade (reached an embedding, reached e5; None
    for the negative cases and for every case of a stub enricher), and the shares of the
    positive cases that reach an embedding and e5."""
    positive = [i for i, c in enumerate(cases) if any(c["expected"].values())]
    out: list[tuple[bool, bool] | None] = [None] * len(cases)
    if getattr(enricher, "clf", None) is None or not positive:
        return out, (None, None)
    from nlp.api import Enricher
    from nlp.evaluation import routes

    assert isinstance(enricher, Enricher)
    r = routes(enricher.clf, [cases[i]["text"] for i in positive])
    candidates, to_e5 = set(r.candidates.tolist()), set(r.to_e5.tolist())
    for k, i in enumerate(positive):
        out[i] = (k in candidates, k in to_e5)
    return out, r.reach()


def evaluate_functional(
    enricher_or_model_dir: SupportsEnrich | Path | str | None = None, cases_path: Path = CASES_PATH
) -> FunctionalReport:
    """Score the committed model (or the given enricher / model directory) on the suite."""
    enricher = _enricher(enricher_or_model_dir)
    cases = load_cases(cases_path)
    flags, supported = _flags(enricher, [c["text"] for c in cases])
    routes, reach = _routes(enricher, cases)
    grouped: dict[str, list[Row]] = defaultdict(list)
    for case, fl, ok, route in zip(cases, flags, supported, routes, strict=True):
        grouped[case["functionality"]].append((case, fl, ok, route))
    order = [fid for fid in BY_ID if fid in grouped]
    all_rows = [row for fid in order for row in grouped[fid]]
    return FunctionalReport(
        model_version=enricher.version,
        cases_sha256=cases_sha256(cases_path),
        n_cases=len(cases),
        results=[_score(fid, grouped[fid]) for fid in order],
        by_category=_by_category(all_rows),
        gate_recall=reach[0],
        e5_recall=reach[1],
    )


def write_results(report: FunctionalReport, path: Path = RESULTS_PATH) -> Path:
    path.write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path
