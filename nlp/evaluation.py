"""Evaluation on the held-out test split, with a keyword-alert baseline for comparison."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from nlp.api import Enricher
from nlp.corpus import DEFAULT_CORPUS_DIR, Post, assign_splits, by_split, load_corpus
from nlp.model import Classifier, top_probability
from nlp.model_files import DEFAULT_MODEL_DIR
from nlp.pipeline import analyse
from nlp.types import LABELS

# What a keyword-alert tool would do: flag on any of a handful of obvious words.
BASELINE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "call_to_gathering": ("demonstratie", "demo", "protest", "verzamelen", "kom naar",
                          "iedereen naar", "pullen", "pull up", "actie", "blokkade", "betoging"),
    "anti_government": ("burgemeester", "gemeente", "politie", "overheid", "kabinet", "regering",
                        "verrader", "elite", "systeem", "boa"),
    "polarising": ("moslims", "asielzoekers", "azc", "buitenlanders", "marokkanen", "vluchtelingen",
                   "terug", "horen hier niet", "tuig", "migranten"),
    "threat": ("fik", "brand", "stenen", "vuurwerk", "hangen", "kapot", "dood", "molotov",
               "afmaken", "slopen"),
}
SPECIAL_REGISTERS = ("straattaal", "dialect")


def keyword_baseline(text: str) -> dict[str, bool]:
    low = text.lower()
    return {
        label: any(re.search(r"(?<!\w)" + re.escape(k), low) for k in words)
        for label, words in BASELINE_KEYWORDS.items()
    }


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "support": tp + fn}


def label_scores(gold: list[dict[str, bool]], pred: list[dict[str, bool]]) -> dict:
    out = {}
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g[label] and p[label])
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g[label] and p[label])
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g[label] and not p[label])
        out[label] = prf(tp, fp, fn)
    return out


def false_alarms(posts: list[Post], pred: list[dict[str, bool]]) -> dict[str, dict]:
    """Per hard-negative kind: share of posts that got any flag the gold labels do not have."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for post, p in zip(posts, pred, strict=True):
        if not post.hard_negative:
            continue
        wrong = any(p[label] and not post.labels[label] for label in LABELS)
        counts[post.hard_negative][0] += int(wrong)
        counts[post.hard_negative][1] += 1
    total_wrong = sum(c[0] for c in counts.values())
    total = sum(c[1] for c in counts.values())
    out = {k: {"rate": round(w / n, 4), "n": n} for k, (w, n) in sorted(counts.items())}
    out["_all"] = {"rate": round(total_wrong / total, 4) if total else 0.0, "n": total}
    return out


@dataclass(slots=True)
class EvalReport:
    model_version: str
    n_test: int
    labels: dict[str, dict[str, float]]
    hard_negative_false_alarms: dict[str, dict]
    in_almere_accuracy: float
    baseline_labels: dict[str, dict[str, float]]
    baseline_false_alarms: dict[str, dict]
    by_register: dict[str, dict] = field(default_factory=dict)
    place_recall: float = 0.0
    when_found: float = 0.0
    n_train: int = 0
    # The test posts of the corpus parts that existed on 2026-12-01 (FROZEN_PARTS): the figures
    # later models are compared with.
    frozen: dict = field(default_factory=dict)
    # Held-out real-register sentences (part_f): share flagged on any label, overall and per kind.
    real_register: dict = field(default_factory=dict)
    # Share of the test split's positive posts that an embedding scored (the gate's recall), and
    # that e5 scored (the gate's and the screen's).
    gate_recall: float = 0.0
    e5_recall: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    def table(self) -> str:
        lines = [f"model {self.model_version} on {self.n_test} test posts", "",
                 f"{'label':<18} {'P':>6} {'R':>6} {'F1':>6} {'base F1':>8} {'n':>5}"]
        for label in LABELS:
            s, b = self.labels[label], self.baseline_labels[label]
            lines.append(f"{label:<18} {s['precision']:>6.3f} {s['recall']:>6.3f} "
                         f"{s['f1']:>6.3f} {b['f1']:>8.3f} {s['support']:>5}")
        lines += ["", "false alarms on hard negatives (model / keyword baseline):"]
        for kind, v in self.hard_negative_false_alarms.items():
            b = self.baseline_false_alarms.get(kind, {"rate": 0.0})
            lines.append(f"  {kind:<18} {v['rate']:>6.3f} / {b['rate']:.3f}  (n={v['n']})")
        lines += ["", f"in_almere accuracy: {self.in_almere_accuracy:.3f}",
                  f"place recall: {self.place_recall:.3f}   when found: {self.when_found:.3f}"]
        for reg, v in self.by_register.items():
            f1s = " ".join(f"{k}={s['f1']:.2f}(n={s['support']})" for k, s in v["labels"].items())
            lines.append(f"register {reg} (n={v['n']}): {f1s}")
        if self.frozen:
            f1s = " ".join(f"{k}={s['f1']:.3f}" for k, s in self.frozen["labels"].items())
            lines += ["", f"frozen test split (n={self.frozen['n']}): {f1s}, false alarms "
                      f"{self.frozen['false_alarms']['_all']['rate']:.3f}"]
        if self.gate_recall:
            lines.append(f"gate recall (positives scored by an embedding): "
                         f"{self.gate_recall:.3f}; by e5: {self.e5_recall:.3f}")
        if self.real_register:
            rr = self.real_register
            kinds = " ".join(f"{k}={v['flagged']}/{v['n']}" for k, v in rr["by_kind"].items())
            lines.append(f"real-register held-out (n={rr['n']}): {rr['flagged_share']:.3f} "
                         f"flagged ({kinds})")
        return "\n".join(lines)


@dataclass(frozen=True)
class Routes:
    """Where the cascade sends each text: its top stage-1 probability (what the gate compares),
    the rows that get an embedding, and the rows the screen passes on to e5."""

    top1: np.ndarray
    candidates: np.ndarray
    to_e5: np.ndarray

    def reach(self) -> tuple[float, float]:
        """Shares of the texts that reach an embedding (the gate) and that reach e5 (the gate and
        the screen)."""
        n = len(self.top1)
        if not n:
            return 0.0, 0.0
        return round(len(self.candidates) / n, 4), round(len(self.to_e5) / n, 4)


def routes(clf: Classifier, texts: list[str]) -> Routes:
    """The cascade's routes for `texts`, with the screen's embedding only: no e5."""
    analyses = analyse(texts)
    x = clf.matrix(texts, analyses)
    p1 = clf.stage1(x)
    top1 = top_probability(p1)  # before the screen writes its probabilities into p1
    candidates = clf.candidates(p1)
    return Routes(top1, candidates, clf.screen(x, analyses, candidates, p1))


def gate_recall(enricher: Enricher, texts: list[str]) -> tuple[float, float]:
    """Shares of `texts` (posts that carry a label) that reach an embedding (the gate: a positive
    it keeps out is scored by stage 1 alone) and that reach e5 (the gate and the screen)."""
    return routes(enricher.clf, texts).reach() if texts else (0.0, 0.0)


FROZEN_PARTS = ("seed", "part_a", "part_b", "part_c", "part_d", "part_e")
REAL_REGISTER_PART = "part_f"


def real_register_flags(posts: list[Post], pred: list[dict[str, bool]]) -> dict:
    """Share of real-register sentences given any label they do not have (nearly all have none)."""
    by_kind: dict[str, dict[str, int]] = {}
    for post, p in zip(posts, pred, strict=True):
        if post.source != REAL_REGISTER_PART:
            continue
        kind = by_kind.setdefault(post.source_kind or "?", {"n": 0, "flagged": 0})
        kind["n"] += 1
        kind["flagged"] += int(any(p[label] and not post.labels[label] for label in LABELS))
    n = sum(k["n"] for k in by_kind.values())
    if not n:
        return {}
    flagged = sum(k["flagged"] for k in by_kind.values())
    return {"n": n, "flagged": flagged, "flagged_share": round(flagged / n, 4),
            "by_kind": dict(sorted(by_kind.items()))}


def evaluate_posts(enricher: Enricher, posts: list[Post]) -> EvalReport:
    enr = enricher.enrich([p.text for p in posts])
    pred = [{label: e.labels[label].flag for label in LABELS} for e in enr]
    gold = [p.labels for p in posts]
    base = [keyword_baseline(p.text) for p in posts]
    almere_ok = sum(1 for p, e in zip(posts, enr, strict=True) if p.in_almere == e.in_almere)
    gold_places = sum(len(p.places) for p in posts)
    found_places = sum(
        sum(1 for g in p.places if any(g.lower() in pl.text.lower() or pl.text.lower() in g.lower()
                                       for pl in e.places))
        for p, e in zip(posts, enr, strict=True)
    )
    with_when = [(p, e) for p, e in zip(posts, enr, strict=True) if p.when]
    when_ok = sum(1 for p, e in with_when if e.event_time_text and (
        e.event_time_text.lower() in p.when.lower() or p.when.lower() in e.event_time_text.lower()))
    by_register = {}
    for reg in SPECIAL_REGISTERS:
        idx = [i for i, p in enumerate(posts) if p.register == reg]
        if idx:
            by_register[reg] = {
                "n": len(idx),
                "labels": label_scores([gold[i] for i in idx], [pred[i] for i in idx]),
                "false_alarms": false_alarms([posts[i] for i in idx], [pred[i] for i in idx]),
            }
    frozen_idx = [i for i, p in enumerate(posts) if p.source in FROZEN_PARTS]
    frozen = {}
    if frozen_idx:
        frozen = {"n": len(frozen_idx),
                  "labels": label_scores([gold[i] for i in frozen_idx],
                                         [pred[i] for i in frozen_idx]),
                  "false_alarms": false_alarms([posts[i] for i in frozen_idx],
                                               [pred[i] for i in frozen_idx])}
    reach = gate_recall(enricher, [p.text for p in posts if any(p.labels.values())])
    return EvalReport(
        frozen=frozen,
        real_register=real_register_flags(posts, pred),
        gate_recall=reach[0],
        e5_recall=reach[1],
        model_version=enricher.version,
        n_test=len(posts),
        labels=label_scores(gold, pred),
        hard_negative_false_alarms=false_alarms(posts, pred),
        in_almere_accuracy=round(almere_ok / len(posts), 4) if posts else 0.0,
        baseline_labels=label_scores(gold, base),
        baseline_false_alarms=false_alarms(posts, base),
        by_register=by_register,
        place_recall=round(found_places / gold_places, 4) if gold_places else 0.0,
        when_found=round(when_ok / len(with_when), 4) if with_when else 0.0,
    )


def evaluate(
    model_dir: Path = DEFAULT_MODEL_DIR, corpus_dir: Path = DEFAULT_CORPUS_DIR, split: str = "test"
) -> EvalReport:
    posts = load_corpus(Path(corpus_dir))
    parts = by_split(posts, assign_splits(posts))
    enricher = Enricher(Classifier.load(Path(model_dir)))
    report = evaluate_posts(enricher, parts[split])
    report.n_train = len(parts["train"])
    return report
