"""Issue 13: `make demo-reset` resets the demo's data and keeps .venv; the demo has a second
supervisor so that four-eyes approval can be shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from signals.config import REPO_ROOT, get_settings
from signals.demo import DemoResetRefused, reset_demo


def _demo_state(root: Path) -> tuple[Path, Path]:
    """A repository-like tmp dir: .venv beside var/, and var/ as a demo run leaves it."""
    venv = root / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "signals").write_text("#!/bin/sh\n")
    var = root / "var"
    for name in ("keys", "audit-checkpoints", "briefings", "demo/plus-1-weeks", "models",
                 "artefacts/screenshots"):
        (var / name).mkdir(parents=True)
    (var / "signals.db").write_bytes(b"SQLite format 3\x00")
    (var / "signals.db-wal").write_bytes(b"wal")
    (var / "signals.db-shm").write_bytes(b"shm")
    (var / "demo_logins.json").write_text("{}")
    (var / "secret_key").write_text("k")
    (var / "keys" / "2026-12.key").write_text("k")
    (var / "audit-checkpoints" / "checkpoints.jsonl").write_text("{}\n")
    (var / "briefings" / "briefing-2026-W49.pdf").write_bytes(b"%PDF")
    (var / "demo" / "plus-1-weeks" / "register.csv").write_text("x")
    (var / "models" / "classifier.skops").write_bytes(b"model")
    (var / "artefacts" / "screenshots" / "audit.png").write_bytes(b"png")
    return venv, var


def test_demo_reset_removes_the_demo_state_and_keeps_venv_models_artefacts(
    tmp_path, monkeypatch
):
    venv, var = _demo_state(tmp_path)
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(var))
    monkeypatch.delenv("SIGNALS_DATABASE_URL", raising=False)
    removed = reset_demo(get_settings())
    left = sorted(p.relative_to(var).as_posix() for p in var.rglob("*"))
    assert left == [
        "artefacts",
        "artefacts/screenshots",
        "artefacts/screenshots/audit.png",
        "models",
        "models/classifier.skops",
    ]
    assert (venv / "bin" / "signals").exists()
    names = {p.name for p in removed}
    assert {"signals.db", "signals.db-wal", "signals.db-shm", "demo_logins.json", "keys",
            "audit-checkpoints", "briefings", "demo", "secret_key"} <= names
    # A second reset has nothing left to do and does not fail.
    assert reset_demo(get_settings()) == []


def test_demo_reset_never_drops_another_database(tmp_path, monkeypatch):
    _venv, var = _demo_state(tmp_path)
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(var))
    monkeypatch.setenv("SIGNALS_DATABASE_URL", "postgresql://oov@localhost/oov")
    with pytest.raises(DemoResetRefused, match="postgresql"):
        reset_demo(get_settings())
    elsewhere = tmp_path / "production.db"
    elsewhere.write_bytes(b"SQLite format 3\x00")
    monkeypatch.setenv("SIGNALS_DATABASE_URL", f"sqlite:///{elsewhere}")
    with pytest.raises(DemoResetRefused, match="inside"):
        reset_demo(get_settings())
    # Refused before anything was touched.
    assert elsewhere.exists() and (var / "demo_logins.json").exists()


def test_make_demo_reset_calls_the_reset_and_make_clean_still_deletes_venv():
    makefile = (REPO_ROOT / "Makefile").read_text()
    target = re.search(r"^demo-reset:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert target and "signals demo-reset" in target.group(1)
    assert ".venv" not in target.group(1) and "$(VENV)" not in target.group(1)
    clean = re.search(r"^clean:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert clean and "$(VENV)" in clean.group(1)


def test_the_demo_has_two_supervisors_who_may_approve_each_other(tmp_path, monkeypatch):
    from signals.auth import four_eyes_conflict
    from signals.cli.core_cmds import _ensure_demo_users
    from signals.db.session import session_scope

    monkeypatch.setenv("SIGNALS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SIGNALS_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'signals.db'}")
    passwords = _ensure_demo_users()
    assert {"supervisor", "supervisor2"} <= set(passwords)
    stored = json.loads((tmp_path / "var" / "demo_logins.json").read_text())
    assert stored["supervisor2"] == passwords["supervisor2"]
    with session_scope() as session:
        assert four_eyes_conflict(session, "supervisor", "supervisor2") is None
        assert four_eyes_conflict(session, "supervisor", "supervisor") is not None


def test_the_bus_window_post_is_found_from_outside_the_repository(tmp_path) -> None:
    # `signals ship-check --read-held-out` runs as an installed script, where `config` is no
    # package on the path; the post must still be found.
    import subprocess
    import sys

    probe = "from signals.demo import bus_window_text; print(bus_window_text())"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    assert "buslijn niet uit de Literatuurwijk" in out
