"""`signals train`, `signals evaluate`, `signals ship-check`, `signals classify`: the NLP
commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from nlp.corpus import DEFAULT_CORPUS_DIR
from nlp.model_files import DEFAULT_MODEL_DIR, model_dir_in_use, read_metrics
from signals.config import get_settings


def register(app: typer.Typer) -> None:
    app.command("train")(train_cmd)
    app.command("evaluate")(evaluate_cmd)
    app.command("ship-check")(ship_check_cmd)
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
    keep_c: Annotated[bool, typer.Option(
        help="Fit with the shipped model's C instead of choosing it again, so that a candidate "
        "differs from the shipped model only in what was changed.")] = False,
    compare: Annotated[bool, typer.Option(
        help="Print the test-split comparison with the shipped model (a look at held-out data: "
        "candidates are judged by `signals ship-check` instead).")] = False,
) -> None:
    """Train the classifier on train + dev (C, calibration and thresholds by grouped
    cross-validation there) into a scratch folder; with --compare, compare it with the committed
    model on the test split; promote it only with --promote."""
    from nlp.embedding import use_threads
    from nlp.provenance import describe as describe_code
    from nlp.training import SCRATCH_MODEL_DIR, compare_with_committed, promote_model, train

    use_threads(threads)

    corpus = corpus_dir or DEFAULT_CORPUS_DIR
    target = model_dir or SCRATCH_MODEL_DIR
    fixed_c = read_metrics(DEFAULT_MODEL_DIR)["c"] if keep_c else None
    report = train(corpus, target, record_splits=False, fixed_c=fixed_c)
    typer.echo(f"model {report.version} written to {report.model_path}")
    typer.echo(f"trained by the code in {describe_code(report.code)}")
    typer.echo(f"train {report.n_train} / dev {report.n_dev} / test {report.n_test} posts")
    for label, cv in report.cv.items():
        if not label.startswith("_"):
            cs = "/".join(f"{report.c[stage][label]:g}" for stage in sorted(report.c))
            typer.echo(f"  {label:<18} C={cs}  threshold={cv['threshold']:.2f}"
                       f"  cross-validated F1={cv['f1']:.3f}")
    typer.echo(f"  hard-negative false alarms (cross-validated): "
               f"{report.cv['_false_alarms']['rate']:.3f}; candidates for stage 2: "
               f"{report.cv['_candidates']['share']:.2f}")
    if compare:
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


def ship_check_cmd(
    model_dir: Annotated[Path, typer.Option(help="The candidate's model directory.")],
    read_held_out: Annotated[bool, typer.Option(
        "--read-held-out", help="If the preconditions hold, also score the candidate on the "
        "test split, the functional suite and the demo's bus-window post (a look at the test "
        "split: count it in the model card).")] = False,
    record: Annotated[bool, typer.Option(
        "--record", help="Only write the model's probe figures next to it (probes.json), as "
        "the shipped model must have them.")] = False,
    for_speed: Annotated[bool, typer.Option(
        "--for-speed", help="The candidate is the shipped model served faster: a tie on the "
        "functional suite is enough, if no label's test F1 falls by more than 0.01 and the "
        "real register flags no more (measure the speed with benchmarks/bench_classify.py).")
    ] = False,
) -> None:
    """May a retrained model replace the shipped one? The rule of nlp/shipping_rule.py: first
    its cross-validated figures and our probes, then, with --read-held-out, the held-out bars.
    Exit code 1 when it may not."""
    from nlp.shipping_rule import check_held_out, check_preconditions, record_probes
    from signals.demo import bus_window_text

    if record:
        typer.echo(f"wrote {record_probes(model_dir)}")
        return
    check = check_preconditions(model_dir)
    typer.echo(f"candidate {check.candidate} against the shipped {check.shipped}")
    for name, figure in check.probes.items():
        typer.echo(f"  probe {name}: mean p {figure.mean_p:.3f}, {figure.wrong} read wrongly")
    for reason in check.preconditions:
        typer.echo(f"  precondition failed: {reason}")
    if check.preconditions or not read_held_out:
        typer.echo("held-out data not read")
        raise typer.Exit(1 if check.preconditions else 0)
    check = check_held_out(check, model_dir, bus_window_text(), for_speed)
    for reason in check.held_out or []:
        typer.echo(f"  held-out bar failed: {reason}")
    typer.echo("ships" if check.ships else "does not ship")
    raise typer.Exit(0 if check.ships else 1)


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
