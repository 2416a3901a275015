"""`signals register import|list` through the real CLI entry point."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from signals.cli import app


def test_register_import_and_list(signals_env: Path, tmp_path: Path) -> None:
    good = tmp_path / "ok.csv"
    good.write_text(
        "reference,organiser_ref,place,start,end,status,description\n"
        "WOM-1,ORG-1,Stadhuisplein,2026-11-28 14:00,2026-11-28 16:00,aangemeld,Demo\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "reference,organiser_ref,place,start,end,status,description\nWOM-2,,,gisteren,,,\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    ok = runner.invoke(app, ["register", "import", str(good), "--actor", "sup"])
    assert ok.exit_code == 0, ok.output
    assert "1 nieuw" in ok.output
    failed = runner.invoke(app, ["register", "import", str(bad)])
    assert failed.exit_code == 1
    assert "regel 2" in failed.output
    listed = runner.invoke(app, ["register", "list"])
    assert listed.exit_code == 0
    assert "WOM-1" in listed.output and "WOM-2" not in listed.output
