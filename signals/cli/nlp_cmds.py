"""`signals train`, `signals evaluate`, `signals classify`: the NLP commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("train")(train_cmd)
    app.command("evaluate")(evaluate_cmd)
    app.command("classify")(classify_cmd)


def train_cmd(
    corpus_dir: Annotated[Path | None, typer.Option(help="Annotated corpus directory.")] = None,
    model_dir: Annotated[Path | None, typer.Option(help="Where the model is written.")] = None,
) -> None:
    """Train the classifier on train + dev (C, calibration and thresholds by grouped
    cross-validation there) and write model + report; the test split is only evaluated."""
    from nlp.corpus import DEFAULT_CORPUS_DIR
    from nlp.model import DEFAULT_MODEL_DIR
    from nlp.training import train

    report = train(corpus_dir or DEFAULT_CORPUS_DIR, model_dir or DEFAULT_MODEL_DIR)
    typer.echo(f"model {report.version} written to {report.model_path}")
    typer.echo(f"train {report.n_train} / dev {report.n_dev} / test {report.n_test} posts")
    for label, cv in report.cv.items():
        if not label.startswith("_"):
            c1, c2 = report.c["stage1"][label], report.c["stage2"][label]
            typer.echo(f"  {label:<18} C={c1:g}/{c2:g}"
                       f"  threshold={cv['threshold']:.2f}  cross-validated F1={cv['f1']:.3f}")
    typer.echo(f"  hard-negative false alarms (cross-validated): "
               f"{report.cv['_false_alarms']['rate']:.3f}; candidates for stage 2: "
               f"{report.cv['_candidates']['share']:.2f}")


def evaluate_cmd(
    corpus_dir: Annotated[Path | None, typer.Option(help="Annotated corpus directory.")] = None,
    model_dir: Annotated[Path | None, typer.Option(help="Model directory.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score the model on the held-out test split and compare with a keyword baseline."""
    from nlp.corpus import DEFAULT_CORPUS_DIR
    from nlp.evaluation import evaluate
    from nlp.model import DEFAULT_MODEL_DIR

    report = evaluate(model_dir or DEFAULT_MODEL_DIR, corpus_dir or DEFAULT_CORPUS_DIR)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(report.table())


def classify_cmd(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help="JSONL file, or - for stdin.")],
    output: Annotated[
        str, typer.Option("-o", "--output", help="JSONL file, or - for stdout.")
    ] = "-",
) -> None:
    """Classify JSONL posts ({"id", "text", "published_at"?}) into JSONL enrichments."""
    from nlp import classify_jsonl

    inp = sys.stdin if input_path == "-" else open(input_path, encoding="utf-8")  # noqa: SIM115
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        stats = classify_jsonl(inp, out)
    finally:
        if inp is not sys.stdin:
            inp.close()
        if out is not sys.stdout:
            out.close()
    typer.echo(
        f"classified {stats['written'] - stats['errors']} posts, {stats['errors']} error lines",
        err=True,
    )
