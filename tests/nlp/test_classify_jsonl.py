from __future__ import annotations

import io
import json
from datetime import datetime

import typer
from typer.testing import CliRunner

from nlp import classify_jsonl, model_version
from nlp.types import LABELS
from signals.cli.nlp_cmds import register

LINES = [
    {"id": "a", "text": "Zaterdag 14u iedereen naar het Stadhuisplein!",
     "published_at": "2026-11-26T10:00:00+01:00"},
    "this is not json",
    {"id": "b"},
    {"text": "no id"},
    {"id": "c", "text": "De gemeente moet iets aan de parkeeroverlast doen.",
     "published_at": "gisteren"},
    {"id": "d", "text": "Gisteren 200 man op de Grote Markt.",
     "published_at": "2026-11-26T09:00:00Z"},
]


def _input() -> str:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in LINES)


def _check_result(obj: dict) -> None:
    assert set(obj) == {"id", "labels", "places", "in_almere", "event_time", "event_time_text",
                        "evidence", "model_version"}
    assert set(obj["labels"]) == set(LABELS)
    for score in obj["labels"].values():
        assert set(score) == {"p", "flag"}
        assert isinstance(score["p"], float) and isinstance(score["flag"], bool)
    for place in obj["places"]:
        assert set(place) == {"text", "canonical", "district", "in_almere"}
    for ev in obj["evidence"]:
        assert set(ev) == {"start", "end", "text", "kind"}
    assert obj["in_almere"] in (True, False, None)
    if obj["event_time"] is not None:
        assert datetime.fromisoformat(obj["event_time"]).tzinfo is not None
    assert obj["model_version"] == model_version()


def test_contract_with_bad_lines() -> None:
    out = io.StringIO()
    stats = classify_jsonl(io.StringIO(_input()), out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert stats == {"read": 6, "written": 6, "errors": 4}
    assert [r.get("id") for r in rows] == ["a", None, "b", None, "c", "d"]
    assert [("error" in r) for r in rows] == [False, True, True, True, True, False]
    for r in rows:
        if "error" in r:
            assert r["error"] and isinstance(r["line"], int)
        else:
            _check_result(r)
    first = rows[0]
    assert first["labels"]["call_to_gathering"]["flag"] is True
    assert first["event_time"] == "2026-11-28T14:00:00+01:00"
    assert first["event_time_text"] == "Zaterdag 14u"
    assert first["places"][0]["canonical"] == "Stadhuisplein"


def test_cli_classify_stdin_stdout_and_files(tmp_path) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    res = runner.invoke(app, ["classify", "-", "-o", "-"], input=_input())
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 6
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(_input(), encoding="utf-8")
    res = runner.invoke(app, ["classify", str(src), "-o", str(dst)])
    assert res.exit_code == 0, res.output
    assert [json.loads(line) for line in dst.read_text().splitlines()] == rows
