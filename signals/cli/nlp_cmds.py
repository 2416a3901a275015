"""`signals train`, `signals evaluate`, `signals classify`: the NLP commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from nlp.corpus import DEFAULT_CORPUS_DIR
from nlp.model_files import DEFAULT_MODEL_DIR, model_dir_in_use
from signals.config import get_settings


def register(app: typer.Typer) -> None:
    app.command("train")(train_cmd)
    app.command("evaluate")(evaluate_cmd)
    app.command("classify")(classify_cmd)


def train_cmd(
    corpus_dir: Annotated[Path | None, typer.Option(help="Annotated corpus directory.")] = None,
    model_dir: Annotated[
        Path | None, typer.Option(help="Where the model is written (default: a scratch folder).")
    ] = None,
    promote: Annotated[bool, typer.Option(
        help="Copy the trained model into the packaged model directory and record the split.")
    ] = False,
    threads: Annotated[int, typer.Option(
        help="OpenMP threads for the sentence embedder (one unless the machine is free).")
    ] = 1,
) -> None:
    """Train the classifier on train + dev (C, calibration and thresholds by grouped
    cross-validation there) into a scratch folder, compare it with the committed model on the
    test split, and promote it only with --promote."""
    from nlp.embedding import use_threads
    from nlp.training import SCRATCH_MODEL_DIR, compare_with_committed, promote_model, train

    use_threads(threads)

    corpus = corpus_dir or DEFAULT_CORPUS_DIR
    target = model_dir or SCRATCH_MODEL_DIR
    report = train(corpus, target, record_splits=False)
    typer.echo(f"model {report.version} written to {report.model_path}")
    typer.echo(f"train {report.n_train} / dev {report.n_dev} / test {report.n_test} posts")
    for label, cv in report.cv.items():
        if not label.startswith("_"):
            cs = "/".join(f"{report.c[stage][label]:g}" for stage in sorted(report.c))
            typer.echo(f"  {label:<18} C={cs}  threshold={cv['threshold']:.2f}"
                       f"  cross-validated F1={cv['f1']:.3f}")
    typer.echo(f"  hard-negative false alarms (cross-validated): "
               f"{report.cv['_false_alarms']['rate']:.3f}; candidates for stage 2: "
               f"{report.cv['_candidates']['share']:.2f}")
    typer.echo(compare_with_committed(target))
    if promote:
        promote_model(target, corpus)
        typer.echo(f"promoted to {DEFAULT_MODEL_DIR}; split recorded in {corpus}/splits.json")


def evaluate_cmd(
    corpus_dir: Annotated[Path | None, typer.Option(help="Annotated corpus directory.")] = None,
    model_dir: Annotated[Path | None, typer.Option(help="Model directory.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    functional: Annotated[bool, typer.Option(
        "--functional", help="Score the functional suite (nlp/functional) instead: a table "
        "per functionality against its bar.")] = False,
    write: Annotated[bool, typer.Option(
        "--write", help="With --functional: also write nlp/functional/results.json.")] = False,
) -> None:
    """Score the model on the held-out test split and compare with a keyword baseline; with
    --functional, score it on the team's functional suite instead."""
    if functional:
        _evaluate_functional(model_dir, as_json, write)
        return
    from nlp.evaluation import evaluate

    report = evaluate(model_dir or DEFAULT_MODEL_DIR, corpus_dir or DEFAULT_CORPUS_DIR)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(report.table())


def _evaluate_functional(model_dir: Path | None, as_json: bool, write: bool) -> None:
    from nlp.functional.evaluate import evaluate_functional, write_results

    report = evaluate_functional(model_dir)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(report.table())
    if write:
        typer.echo(f"wrote {write_results(report)}", err=True)


def classify_cmd(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help="JSONL file, or - for stdin.")],
    output: Annotated[
        str, typer.Option("-o", "--output", help="JSONL file, or - for stdout.")
    ] = "-",
) -> None:
    """Classify JSONL posts ({"id", "text", "published_at"?}) into JSONL enrichments."""
    from nlp import classify_jsonl

    model_dir = model_dir_in_use(get_settings().model_dir)
    inp = sys.stdin if input_path == "-" else open(input_path, encoding="utf-8")  # noqa: SIM115
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        stats = classify_jsonl(inp, out, model_dir=model_dir)
    finally:
        if inp is not sys.stdin:
            inp.close()
        if out is not sys.stdout:
            out.close()
    typer.echo(
        f"classified {stats['written'] - stats['errors']} posts, {stats['errors']} error lines",
        err=True,
    )
