"""The evaluation-set scorer (nlp/corpus/tools/score_source.py) counts against the gold labels and
prints no text, so a set written apart from the rules stays unread."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "nlp" / "corpus" / "tools" / "score_source.py"
LINES = [
    "# a comment line is skipped",
    "t|w|-|u|-|-|-|ik steek je neer, let maar op",
    "-|w|pp|u|-|-|-|we gaan zaterdag met de kinderen naar de dierentuin",
    "p|c|-|u|-|-|-|moslims zijn ongedierte",
]


def _tool():
    spec = importlib.util.spec_from_file_location("score_source", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_counts_add_up_to_the_gold_labels(tmp_path: Path) -> None:
    source = tmp_path / "h99.txt"
    source.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    out = _tool().score(source)
    assert out["threat"]["positives"] == 1 and out["polarising"]["positives"] == 1
    assert out["call_to_gathering"]["positives"] == 0
    for label in ("call_to_gathering", "anti_government", "polarising", "threat"):
        counts = out[label]
        assert counts["found"] + counts["missed"] == counts["positives"]
        assert 0 <= counts["false_alarms"] <= 3 - counts["positives"]
    assert out["negatives"] == 1
    # The committed model finds a plain first-person threat and leaves a zoo trip alone.
    assert out["threat"]["found"] == 1 and out["negatives_flagged"] == 0


def test_the_command_prints_counts_and_no_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "h99.txt"
    source.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["score_source.py", str(source)])
    _tool().main()
    printed = capsys.readouterr()
    assert json.loads(printed.out)["negatives"] == 1
    for line in LINES[1:]:
        assert line.split("|")[-1] not in printed.out + printed.err
