"""Training: C, Platt calibration and thresholds from grouped cross-validation over train + dev;
the test split is never an input here."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from nlp.api import reset_cache
from nlp.corpus import (
    DEFAULT_CORPUS_DIR,
    Post,
    assign_splits,
    by_split,
    load_corpus,
    text_key,
    write_splits,
)
from nlp.cross_validation import (
    AUGMENTED_WEIGHT,
    EMB_WEIGHT,
    N_FOLDS,
    REAL_REGISTER_WEIGHT,
    SCREEN_STAGE,
    corpus_inputs,
    fit_vectorizers,
    out_of_fold_scores,
)
from nlp.cues import CUES
from nlp.deobfuscate_dictionary import dictionary_id
from nlp.deobfuscate_words import (
    FUNCTION_WORDS,
    PROFANITY_WORDS,
    PROTECTED_WORDS,
    RUN_TOGETHER_OBJECTS,
    THREAT_SUBJECTS,
    VIOLENCE_WORDS,
)
from nlp.embedding import EMBEDDER_ID, SCREEN_EMBEDDER_ID
from nlp.evaluation import evaluate
from nlp.features import EXTRA_FEATURES, FEATURE_REVISION
from nlp.group_terms import GROUP_TERMS
from nlp.lexicon import lexicon_version
from nlp.model import (
    Classifier,
    dense_features,
    new_label_model,
    new_vectorizers,
    platt,
    stage1_features,
)
from nlp.model_files import (
    DEFAULT_MODEL_DIR,
    METRICS_FILE,
    MODEL_FILE,
    PROBES_FILE,
    read_metrics,
)
from nlp.operating_points import (
    FALSE_ALARM_CAP,
    GATE_GRID,
    GATE_RECALL,
    PLATEAU,
    SCREEN_RECALL,
    best_f1,
    choose_gate,
    choose_screen_gate,
    choose_thresholds,
    f1s,
    false_alarm_rate,
    gate_positive_recall,
    platt_fit,
    share_passing,
)
from nlp.provenance import code_provenance
from nlp.shipping_rule import (
    model_fairness,
    model_probes,
    probes_of,
    record_probes,
    weekly_promotion_failures,
)
from nlp.types import LABELS

C_GRID = (8.0, 32.0, 128.0)
# Whether the shipped model has the embedding stage 2. Grouped cross-validation over train + dev
# (2026-12-05): stage 1 alone mean F1 0.839, with stage 2 0.870; metrics.json "cv._gates"
# records stage 1 alone ("stage1") next to the gates.
CASCADE = True
# Whether the cascade has a screen between the gate and e5: the distilled encoder's embedding,
# half e5's cost, decides which candidates are worth e5 (nlp.model; its gate: nlp.operating_points).
SCREEN = True


@dataclass(slots=True)
class TrainReport:
    version: str
    model_path: str
    n_train: int
    n_dev: int
    n_test: int
    c: dict[str, dict[str, float]]
    thresholds: dict[str, float]
    cv: dict[str, dict]
    test: dict = field(default_factory=dict)
    n_extra: int = 0
    # The checkout that trained it (nlp.provenance.code_provenance).
    code: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _outcome(flags: np.ndarray, gold: np.ndarray, hard: np.ndarray,
             candidate: np.ndarray) -> dict:
    """A cascade's out-of-fold figures, as metrics.json's `cv._gates` records them."""
    return {"mean_f1": round(float(np.mean(f1s(gold, flags))), 4),
            "f1": [round(f, 4) for f in f1s(gold, flags)],
            "false_alarms": round(false_alarm_rate(flags, gold, hard), 4),
            "candidates": round(float(candidate.mean()), 4)}


def fit(
    posts: list[Post], version: str, *, c_grid: tuple[float, ...] = C_GRID,
    cascade: bool = CASCADE, screen: bool = SCREEN, augmented_weight: float = AUGMENTED_WEIGHT,
    fixed_c: dict[str, dict[str, float]] | None = None,
) -> tuple[Classifier, dict]:
    """Grouped k-fold cross-validation over `posts` (train + dev) chooses each label's C for both
    stages, fits the Platt calibrations on out-of-fold scores and sets the thresholds on the
    out-of-fold cascade probabilities; the shipped models are then fitted on all of `posts`.
    The test split is not an argument: it cannot leak in here. `fixed_c` ({"stage1": {label: C},
    "stage2": ...}, as a model's metrics record it) skips the choice of C: a candidate that
    changes one thing is then compared with the shipped model on that change alone.

    Augmented posts (template expansions) are trained on in every fold but take no part in
    choosing C, calibration or thresholds: those must reflect posts as people write them.
    A `fixed_c` without the screen's C gives the screen stage 2's."""
    screen = screen and cascade
    inputs = corpus_inputs(posts, embedded=cascade, screened=screen,
                           augmented_weight=augmented_weight)
    norm, extra, emb, weight, gold_all = (inputs.norm, inputs.extra, inputs.emb, inputs.weight,
                                          inputs.gold)
    real = np.array([not p.augmented for p in posts])
    gold = gold_all[:, real]
    hard = np.array([bool(p.hard_negative) for p in posts])[real]
    for label, y in zip(LABELS, gold, strict=True):
        if y.sum() < N_FOLDS or y.sum() > len(y) - N_FOLDS:
            raise ValueError(f"too few examples for {label}: {int(y.sum())} positives")
    stages = (1, 2, SCREEN_STAGE) if screen else (1, 2) if cascade else (1,)
    if fixed_c is not None:
        fixed_c = {**fixed_c, f"stage{SCREEN_STAGE}": fixed_c.get(f"stage{SCREEN_STAGE}",
                                                                    fixed_c.get("stage2", {}))}
        c_grid = tuple(sorted({fixed_c[f"stage{s}"][label] for s in stages for label in LABELS}))
    oof = out_of_fold_scores(inputs, c_grid, stages)

    chosen: dict[str, dict[str, float]] = {f"stage{s}": {} for s in stages}
    calibration: dict[int, dict[str, tuple[float, float]]] = {s: {} for s in stages}
    probs: dict[int, np.ndarray] = {}
    for stage in stages:
        rows = []
        for i, label in enumerate(LABELS):
            best_c = (fixed_c[f"stage{stage}"][label] if fixed_c is not None else
                      max(c_grid, key=lambda c: best_f1(gold[i], oof[stage][c][label][real])))
            chosen[f"stage{stage}"][label] = best_c
            scores = oof[stage][best_c][label][real]
            calibration[stage][label] = platt_fit(scores, gold[i])
            rows.append(platt(scores, *calibration[stage][label]))
        probs[stage] = np.vstack(rows)
    gate = choose_gate(probs[1], gold) if cascade else 1.0
    top1 = probs[1].max(axis=0)
    by_gate = {}
    # Stage 1 alone and the gate of earlier models (0.10) are for the record; the chosen gate
    # comes last, so its results are the ones kept.
    gates: list[float | None] = [None]
    if cascade:
        gates += [0.10, gate] if gate != 0.10 else [gate]
    for g in gates:
        candidate = np.zeros(top1.shape, dtype=bool) if g is None else top1 >= g
        final = np.where(candidate[None, :], probs[2], probs[1]) if g is not None else probs[1]
        thresholds = choose_thresholds(final, gold, hard)
        flags = final >= thresholds[:, None]
        by_gate["stage1" if g is None else f"{g:.2f}"] = {
            **_outcome(flags, gold, hard, candidate),
            "positives_recall": round(gate_positive_recall(probs[1], gold, g or 1.01), 4)}
    screen_gate = 0.0
    if screen:
        top3 = probs[SCREEN_STAGE].max(axis=0)
        needed = candidate & (final >= thresholds[:, None]).any(axis=0)
        screen_gate = choose_screen_gate(top3, needed)
        passed = candidate & (top3 >= screen_gate)
        final = np.where(passed[None, :], probs[2],
                         np.where(candidate[None, :], probs[SCREEN_STAGE], probs[1]))
        thresholds = choose_thresholds(final, gold, hard)
        flags = final >= thresholds[:, None]
        by_gate[f"{gate:.2f}+screen {screen_gate:.2f}"] = {
            **_outcome(flags, gold, hard, candidate),
            "to_e5": round(float(passed.mean()), 4),
            "needed_passed": round(float(passed[needed].mean()), 4),
            "positives_recall": round(float(passed[gold.any(axis=0)].mean()), 4)}
    cv = {label: {"f1": round(f, 4), "threshold": float(t)}
          for label, f, t in zip(LABELS, f1s(gold, flags), thresholds, strict=True)}
    cv["_false_alarms"] = {"rate": round(false_alarm_rate(flags, gold, hard), 4),
                           "n": int(hard.sum())}
    cv["_candidates"] = {"share": round(float(candidate.mean()), 4)}
    if screen:
        cv["_candidates"]["to_e5"] = round(float(passed.mean()), 4)
        # What another screen gate would keep of stage 2's flags: the choice, for the record.
        cv["_screen_keeps"] = {f"{g:.2f}": round(share_passing(top3, needed, g), 4)
                               for g in GATE_GRID}
    cv["_gates"] = by_gate

    word, char = fit_vectorizers(norm)
    x_all = stage1_features(word, char, norm, extra)

    def dense_fit(stage: int, embeddings: np.ndarray) -> dict[str, LogisticRegression]:
        d_all = dense_features(x_all, embeddings, EMB_WEIGHT)
        return {label: new_label_model(chosen[f"stage{stage}"][label]).fit(
                    d_all, gold_all[i], sample_weight=weight)
                for i, label in enumerate(LABELS)}

    dense_models = dense_fit(2, emb) if cascade else {}
    clf = Classifier(
        word=word, char=char, version=version,
        gate=gate,
        emb_weight=EMB_WEIGHT if cascade else 0.0,
        embedder=EMBEDDER_ID,
        thresholds={label: float(t) for label, t in zip(LABELS, thresholds, strict=True)},
        models={label: new_label_model(chosen["stage1"][label]).fit(
                    x_all, gold_all[i], sample_weight=weight)
                for i, label in enumerate(LABELS)},
        dense_models=dense_models,
        calibration=calibration[1], dense_calibration=calibration.get(2, {}),
        screen_models=dense_fit(SCREEN_STAGE, inputs.screen_emb) if screen else {},
        screen_calibration=calibration.get(SCREEN_STAGE, {}),
        screen_gate=screen_gate,
    )
    return clf, {"c": chosen, "cv": cv}


def _version(posts: list[Post], c_grid: tuple[float, ...],
             fixed_c: dict[str, dict[str, float]] | None) -> str:
    """Changes with the fitted data and with the recipe (features, grids, weights)."""
    digest = hashlib.sha256()
    fixed = sorted((stage, sorted(cs.items())) for stage, cs in (fixed_c or {}).items())
    recipe = (FEATURE_REVISION, EXTRA_FEATURES, sorted(CUES.items()), GROUP_TERMS, c_grid, fixed,
              N_FOLDS, EMB_WEIGHT, GATE_RECALL, tuple(GATE_GRID), FALSE_ALARM_CAP,
              PLATEAU, EMBEDDER_ID, CASCADE, SCREEN, SCREEN_RECALL, SCREEN_EMBEDDER_ID,
              AUGMENTED_WEIGHT, REAL_REGISTER_WEIGHT,
              str(new_vectorizers()), lexicon_version(), sorted(VIOLENCE_WORDS),
              sorted(PROFANITY_WORDS), sorted(FUNCTION_WORDS), sorted(PROTECTED_WORDS),
              sorted(THREAT_SUBJECTS), sorted(RUN_TOGETHER_OBJECTS), dictionary_id())
    digest.update(repr(recipe).encode())
    for p in sorted(posts, key=lambda p: p.id):
        digest.update(f"{p.id}\t{p.text}\t{sorted(p.labels.items())}\n".encode())
    return f"nlp-{datetime.now(UTC):%Y%m%d}-{digest.hexdigest()[:8]}"


def train(
    corpus_dir: Path = DEFAULT_CORPUS_DIR,
    model_dir: Path = DEFAULT_MODEL_DIR,
    *,
    extra_train: list[Post] | None = None,
    record_splits: bool = True,
    c_grid: tuple[float, ...] = C_GRID,
    fixed_c: dict[str, dict[str, float]] | None = None,
) -> TrainReport:
    corpus_dir, model_dir = Path(corpus_dir), Path(model_dir)
    posts = load_corpus(corpus_dir)
    splits = assign_splits(posts)
    if record_splits:
        write_splits(splits, corpus_dir)
    parts = by_split(posts, splits)
    test_hashes = {text_key(p.text) for p in parts["test"]}
    # Corrections whose text is in the frozen test split are dropped: test stays untouched.
    extra = [p for p in (extra_train or []) if text_key(p.text) not in test_hashes]
    train_posts = parts["train"] + extra
    version = _version(train_posts + parts["dev"], c_grid, fixed_c)
    fitted = train_posts + parts["dev"]
    clf, info = fit(fitted, version, c_grid=c_grid, fixed_c=fixed_c)
    metrics = {
        "version": version,
        "trained_at": datetime.now(UTC).isoformat(),
        "n_train": len(train_posts),
        "n_dev": len(parts["dev"]),
        "n_test": len(parts["test"]),
        "c": info["c"],
        "thresholds": clf.thresholds,
        "gate": clf.gate,
        "screen_gate": clf.screen_gate,
        "emb_weight": clf.emb_weight,
        "embedder": clf.embedder,
        "screen_embedder": clf.screen_embedder if clf.screen_models else None,
        # Out-of-fold figures on train + dev: what the thresholds were chosen on.
        "cv": info["cv"],
        "n_fitted": len(fitted),
        # Hashes of every text the shipped model was fitted on (train + dev), so tests can prove
        # that nothing from the test split leaked into training.
        "train_text_hashes": sorted({text_key(p.text) for p in fitted}),
        "code": code_provenance(),
    }
    path = clf.save(model_dir, metrics)
    report = evaluate(model_dir, corpus_dir)
    metrics["test"] = report.to_dict()
    (model_dir / METRICS_FILE).write_text(
        json.dumps(metrics, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return TrainReport(
        version=version, model_path=str(path), n_train=len(train_posts),
        n_dev=len(parts["dev"]), n_test=len(parts["test"]), c=info["c"],
        thresholds=clf.thresholds, cv=info["cv"], test=report.to_dict(), n_extra=len(extra),
        code=metrics["code"],
    )


SCRATCH_MODEL_DIR = Path("var") / "model-candidate"
# Test F1 within this of the committed model's counts as the same model (a retrain on the same
# data differs only by floating-point noise in the solvers).
COMPARE_TOLERANCE = 0.01


def compare_with_committed(model_dir: Path, committed: Path = DEFAULT_MODEL_DIR) -> str:
    """A per-label comparison of a trained model's test figures with the committed model's."""
    new, old = (read_metrics(d)["test"] for d in (model_dir, committed))
    lines = [f"test split: {new['model_version']} (new) against {old['model_version']} "
             f"(committed), tolerance {COMPARE_TOLERANCE}"]
    for label in LABELS:
        a, b = new["labels"][label]["f1"], old["labels"][label]["f1"]
        verdict = "same" if abs(a - b) <= COMPARE_TOLERANCE else "better" if a > b else "WORSE"
        lines.append(f"  {label:<18} F1 {a:.3f} vs {b:.3f}  {verdict}")
    fa_new = new["hard_negative_false_alarms"]["_all"]["rate"]
    fa_old = old["hard_negative_false_alarms"]["_all"]["rate"]
    lines.append(f"  hard-negative false alarms {fa_new:.3f} vs {fa_old:.3f}")
    return "\n".join(lines)


def promote_model(model_dir: Path, corpus_dir: Path = DEFAULT_CORPUS_DIR,
                  target: Path = DEFAULT_MODEL_DIR) -> None:
    """Make a trained model the packaged one and record the split it was trained on; the only
    way splits.json changes."""
    target.mkdir(parents=True, exist_ok=True)
    for name in (MODEL_FILE, METRICS_FILE):
        shutil.copy2(Path(model_dir) / name, target / name)
    # The shipped model's probe figures, if the candidate's were recorded (`signals ship-check
    # --record`); stale ones would judge the next candidate against another model.
    probes = Path(model_dir) / PROBES_FILE
    if probes.exists():
        shutil.copy2(probes, target / PROBES_FILE)
    else:
        (target / PROBES_FILE).unlink(missing_ok=True)
    write_splits(assign_splits(load_corpus(corpus_dir)), corpus_dir)


@dataclass(slots=True)
class RetrainResult:
    champion_version: str
    challenger_version: str
    champion: dict[str, dict[str, float]]
    challenger: dict[str, dict[str, float]]
    promote: bool
    promoted: bool
    challenger_dir: str
    n_corrections_used: int
    # Why the challenger was not promoted (nlp.shipping_rule.weekly_promotion_failures, each a
    # Finding as a dict: check, subject, candidate, shipped).
    reasons: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def corrections_to_posts(corrections: list[dict]) -> list[Post]:
    """Analysts' label corrections. Each dict has "text" and either "labels" ({label: bool}, missing
    labels count as False) or a single "label" with its corrected "value"; "id" is optional."""
    posts = []
    for i, c in enumerate(corrections):
        given = dict(c.get("labels") or {})
        if "label" in c:
            given[str(c["label"])] = bool(c.get("value", c.get("flag", True)))
        unknown = set(given) - set(LABELS)
        if unknown:
            raise ValueError(f"correction {i}: unknown labels {sorted(unknown)}")
        labels = {name: bool(given.get(name, False)) for name in LABELS}
        ident = str(c.get("id") or f"corr-{i}")
        posts.append(Post(id=f"corr:{ident}", text=str(c["text"]), labels=labels,
                          in_almere=c.get("in_almere"), group=f"corr:{ident}",
                          source="corrections"))
    return posts


def retrain_with_corrections(
    corrections: list[dict],
    corpus_dir: Path = DEFAULT_CORPUS_DIR,
    model_dir: Path = DEFAULT_MODEL_DIR,
    challenger_dir: Path | None = None,
    *,
    promote_if_better: bool = False,
    c_grid: tuple[float, ...] = C_GRID,
) -> RetrainResult:
    """Train a challenger on the corpus plus corrections and compare it with the current model.
    Promotion requires the challenger to be no worse on any label's F1 on the frozen test split
    and to pass the shipping rule's preconditions: cross-validated F1 and false alarms, every
    probe family and the fairness counterfactuals (nlp.shipping_rule.weekly_promotion_failures)."""
    corpus_dir, model_dir = Path(corpus_dir), Path(model_dir)
    champion = evaluate(model_dir, corpus_dir)
    extra = corrections_to_posts(corrections)
    target = Path(challenger_dir) if challenger_dir else Path(tempfile.mkdtemp(prefix="nlp-chal-"))
    report = train(corpus_dir, target, extra_train=extra, record_splits=False, c_grid=c_grid)
    challenger = evaluate(target, corpus_dir)
    challenger_probes = model_probes(target)
    findings = weekly_promotion_failures(
        {label: champion.labels[label]["f1"] for label in LABELS},
        {label: challenger.labels[label]["f1"] for label in LABELS},
        read_metrics(target), read_metrics(model_dir), challenger_probes, probes_of(model_dir),
        model_fairness(target))
    promote = not findings
    promoted = False
    if promote and promote_if_better:
        for name in (MODEL_FILE, METRICS_FILE):
            shutil.copy2(target / name, model_dir / name)
        # The next retrain is held to the promoted model's probes.
        record_probes(model_dir, challenger_probes)
        reset_cache()
        promoted = True
    return RetrainResult(
        champion_version=champion.model_version,
        challenger_version=report.version,
        champion=champion.labels,
        challenger=challenger.labels,
        promote=promote,
        promoted=promoted,
        challenger_dir=str(target),
        n_corrections_used=report.n_extra,
        reasons=[asdict(f) for f in findings],
    )
