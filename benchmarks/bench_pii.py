"""Personal-data detectors for partner reports (issue 14): catch rate, false alarms and speed.

Prints, on the invented evaluation set tests/fixtures/partner_reports/reports.jsonl (the bar:
>= 95% of reports with personal data caught, <= 5% of clean reports flagged):
- the share of reports with personal data caught (at least one hit of an expected kind);
- the share of clean reports flagged;
- span recall per kind;
- the same with the set's own names taken out of the name lists (names the lists do not know);
- speed in reports per second on one core, and the time for one long (5,000 character) report;
and, as a check on text nobody wrote for these detectors, the share of the online posts in the
annotated NLP corpus (nlp/corpus/*.jsonl) that would be flagged, with the kinds found. Those
posts are not annotated for personal data, so that figure is an upper bound on false alarms,
not a measured false-alarm rate: many of the hits are real first names.

Run:  .venv/bin/python benchmarks/bench_pii.py [--set dev] [--repeat 20] [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import cpu_info  # noqa: E402

from signals.partner import pii_names  # noqa: E402
from signals.partner.pii import KINDS, find_personal_data  # noqa: E402
from signals.partner.pii_eval import REPORTS, evaluate, load_reports  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "nlp" / "corpus"


def _speed(rows: list[dict], repeat: int) -> tuple[float, float]:
    texts = [r["text"] for r in rows]
    find_personal_data(texts[0])  # compile the patterns and load the lists first
    began = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            find_personal_data(text)
    per_second = repeat * len(texts) / (time.perf_counter() - began)
    long_text = " ".join(texts)[:5000]
    began = time.perf_counter()
    for _ in range(repeat):
        find_personal_data(long_text)
    long_ms = (time.perf_counter() - began) / repeat * 1000
    return per_second, long_ms


def _unknown_names(rows: list[dict]) -> None:
    """The same set with every name word of it taken out of the first-name and surname lists:
    how the detector does on names it does not know, which real reports will be full of."""
    words = {
        w.lower()
        for row in rows for span in row["pii"] if span["kind"] == "naam"
        for w in span["text"].replace(".", " ").split()
    }
    known_first, known_last = pii_names.first_names(), pii_names.surnames()
    try:
        pii_names.first_names = lambda: known_first - words  # type: ignore[assignment]
        pii_names.surnames = lambda: known_last - words  # type: ignore[assignment]
        scores = evaluate(rows)
    finally:
        pii_names.first_names, pii_names.surnames = _first_names, _surnames
    recall = scores.recall_of("naam") or 0.0
    print(f"with the set's own names removed from both lists ({len(words & known_first)} first, "
          f"{len(words & known_last)} surname words): caught {scores.caught_share:.1%}, "
          f"flagged {scores.flagged_share:.1%}, name span recall {recall:.1%}")


_first_names, _surnames = pii_names.first_names, pii_names.surnames


def _corpus(show: bool) -> None:
    posts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            posts += [json.loads(line).get("text", "") for line in fh if line.strip()]
    posts = [p for p in posts if p]
    kinds: Counter[str] = Counter()
    flagged = 0
    for post in posts:
        hits = find_personal_data(post)
        flagged += bool(hits)
        kinds.update(h.kind for h in hits)
        if show:
            for h in hits:
                print(f"  corpus {h.kind}: {h.text!r} in {post[max(0, h.start - 40):h.end + 30]!r}")
    print(f"online posts in nlp/corpus flagged: {flagged}/{len(posts)} "
          f"({flagged / len(posts):.2%}); kinds {dict(kinds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("reports", "dev"), default="reports")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--show", action="store_true", help="print misses and corpus hits")
    args = parser.parse_args()

    rows = load_reports(REPORTS / f"{args.set}.jsonl")
    scores = evaluate(rows)
    print(f"machine: {cpu_info()}")
    print(f"set: {args.set}.jsonl, {len(rows)} reports")
    print(f"caught:  {scores.caught}/{scores.pii_reports} reports with personal data "
          f"({scores.caught_share:.1%}; bar >= 95%)")
    print(f"flagged: {scores.flagged}/{scores.clean_reports} clean reports "
          f"({scores.flagged_share:.1%}; bar <= 5%)")
    print(f"span recall: {sum(scores.spans_found.values())}/{sum(scores.spans.values())} "
          f"({scores.span_recall:.1%})")
    for kind in KINDS:
        recall = scores.recall_of(kind)
        shown = "-" if recall is None else f"{recall:.1%}"
        print(f"  {kind:15s} {scores.spans_found[kind]:3d}/{scores.spans[kind]:3d}  {shown}")
    if args.show:
        by_id = {r["id"]: r for r in rows}
        for rid in scores.missed_ids + scores.flagged_ids:
            row = by_id[rid]
            hits = [(h.kind, h.text) for h in find_personal_data(row["text"])]
            print(f"  {rid}: {row['text']!r} expected {row['pii']} found {hits}")
    _unknown_names(rows)
    per_second, long_ms = _speed(rows, args.repeat)
    print(f"speed: {per_second:,.0f} reports/s on one core; a 5,000-character report takes "
          f"{long_ms:.1f} ms")
    _corpus(args.show)


if __name__ == "__main__":
    main()
