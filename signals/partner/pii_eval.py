"""How well the personal-data detectors do on an annotated set of partner reports.

A set is JSON lines: {"id", "register", "text", "pii": [{"kind", "start", "end", "text"}]}; a
report with an empty "pii" list is clean. A report with personal data counts as caught when at
least one hit of an expected kind is found (the reporter is then asked to look again); a clean
report counts as flagged when any hit is found. Span recall counts the annotated spans that a
hit of the same kind overlaps.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from signals.partner.pii import KINDS, PersonalDataHit, find_personal_data

REPORTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "partner_reports"


@dataclass(slots=True)
class PiiScores:
    pii_reports: int = 0
    caught: int = 0
    clean_reports: int = 0
    flagged: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    spans_found: Counter[str] = field(default_factory=Counter)
    reports_per_second: float = 0.0
    missed_ids: list[str] = field(default_factory=list)
    flagged_ids: list[str] = field(default_factory=list)

    @property
    def caught_share(self) -> float:
        return self.caught / self.pii_reports if self.pii_reports else 0.0

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.clean_reports if self.clean_reports else 0.0

    @property
    def span_recall(self) -> float:
        total = sum(self.spans.values())
        return sum(self.spans_found.values()) / total if total else 0.0

    def recall_of(self, kind: str) -> float | None:
        return self.spans_found[kind] / self.spans[kind] if self.spans[kind] else None


def load_reports(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _overlaps(hit: PersonalDataHit, span: dict) -> bool:
    return hit.kind == span["kind"] and hit.start < span["end"] and hit.end > span["start"]


def evaluate(rows: list[dict]) -> PiiScores:
    scores = PiiScores()
    began = time.perf_counter()
    found = [find_personal_data(row["text"]) for row in rows]
    elapsed = time.perf_counter() - began
    scores.reports_per_second = len(rows) / elapsed if elapsed > 0 else float("inf")
    for row, hits in zip(rows, found, strict=True):
        spans = row["pii"]
        if not spans:
            scores.clean_reports += 1
            if hits:
                scores.flagged += 1
                scores.flagged_ids.append(row["id"])
            continue
        scores.pii_reports += 1
        kinds = {s["kind"] for s in spans}
        if any(h.kind in kinds for h in hits):
            scores.caught += 1
        else:
            scores.missed_ids.append(row["id"])
        for span in spans:
            assert span["kind"] in KINDS, span
            scores.spans[span["kind"]] += 1
            if any(_overlaps(h, span) for h in hits):
                scores.spans_found[span["kind"]] += 1
    return scores
