"""Issue 13, "The CLI": missing protocol versions, search highlights, `--as`, Amsterdam time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from signals.cli import app
from signals.db.models import AuditEvent
from signals.db.session import get_engine
from tests.factories import make_user

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def _users(*rows: tuple[str, str, bool]) -> None:
    with Session(get_engine()) as session:
        for name, role, active in rows:
            make_user(session, name, role, active=active)
        session.commit()


def _actions() -> list[str]:
    with Session(get_engine()) as session:
        return list(session.scalars(select(AuditEvent.action)))


# 1. protocol diff with a missing version


def test_protocol_diff_names_the_missing_version_without_a_traceback(signals_env):
    result = runner.invoke(app, ["protocol", "diff", "v1", "v9"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "'v9'" in lines[0] and "not found" in lines[0]
    assert "available: v1" in lines[0]


def test_protocol_activate_of_a_missing_version_is_one_line_too(signals_env):
    _users(("sup", "supervisor", True))
    result = runner.invoke(app, ["protocol", "activate", "v7", "--as", "sup"])
    assert result.exit_code == 2
    assert "'v7'" in result.output and "available: v1" in result.output


# 2. search highlights


def test_search_prints_highlights_as_text_not_mark_tags(signals_env, monkeypatch):
    from signals.search.base import Hit, SearchResult

    class Backend:
        def search(self, query, kind="signals", limit=20):
            return SearchResult(
                hits=[Hit(7, "signals", 1.5, "a &amp; <mark>demo</mark> b")],
                total=1,
            )

    monkeypatch.setattr("signals.search.get_backend", lambda *a, **k: Backend())
    result = runner.invoke(app, ["search", "demo"])
    assert result.exit_code == 0, result.output
    assert "<mark>" not in result.output and "</mark>" not in result.output
    assert "&amp;" not in result.output
    assert "signal 7 (1.50) a & demo b" in result.output


def test_highlight_text_marks_the_matches_bold():
    from signals.cli.actor import highlight_text

    text = highlight_text("x <mark>Esplanade</mark> y &lt;b&gt;")
    assert text.plain == "x Esplanade y <b>"
    styled = [text.plain[span.start : span.end] for span in text.spans if "bold" in str(span.style)]
    assert styled == ["Esplanade"]


# 3. --as names an existing, active user with the right role


@pytest.mark.parametrize(
    ("user", "problem"),
    [("nobody", "no such user"), ("oud", "disabled"), ("ana", "role 'analyst'")],
)
def test_briefing_as_must_be_an_active_supervisor(signals_env, tmp_path, user, problem):
    _users(("ana", "analyst", True), ("oud", "supervisor", False))
    result = runner.invoke(
        app, ["briefing", "--week", "2026-W48", "--out", str(tmp_path / "b"), "--as", user]
    )
    assert result.exit_code == 2, result.output
    assert problem in result.output and "Traceback" not in result.output
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
    assert "briefing.generate.denied" in _actions()
    assert "briefing.generate" not in _actions()


@pytest.mark.parametrize(
    "args",
    [
        ["protocol", "activate", "v1"],
        ["privacy", "lookup", "--handle", "@x", "--source", "s", "--reference", "R"],
        ["privacy", "erase", "--handle", "@x", "--source", "s", "--reference", "R", "--yes"],
        ["privacy", "reveal-request", "--signal", "1", "--post", "1", "--ground", "g"],
        ["privacy", "reveal-approve", "--request", "1"],
        ["privacy", "reveal-show", "--request", "1"],
        ["autotag", "off", "--reason", "x"],
    ],
)
def test_every_as_option_refuses_an_unknown_user(signals_env, args):
    result = runner.invoke(app, [*args, "--as", "ghost"])
    assert result.exit_code == 2, result.output
    assert "'ghost'" in result.output and "no such user" in result.output


def test_protocol_activate_needs_a_supervisor_role(signals_env):
    _users(("ana", "analyst", True))
    result = runner.invoke(app, ["protocol", "activate", "v1", "--as", "ana"])
    assert result.exit_code == 2
    assert "role 'analyst'" in result.output


def _commands_with_as() -> dict[str, object]:
    """Every CLI command that takes --as, by its full name, with its callback."""
    import typer.main

    found: dict[str, object] = {}

    def walk(command: Any, name: str) -> None:
        if hasattr(command, "commands"):  # a group (typer may carry its own copy of click)
            for sub_name, sub in command.commands.items():
                walk(sub, f"{name} {sub_name}".strip())
        elif any("--as" in param.opts for param in command.params):
            found[name] = command.callback

    walk(typer.main.get_command(app), "")
    return found


def test_every_as_option_uses_the_one_check():
    import inspect

    commands = _commands_with_as()
    assert {"briefing", "protocol activate", "privacy erase"} <= set(commands), commands
    for name, callback in commands.items():
        source = inspect.getsource(inspect.unwrap(callback))
        # The check itself, or the privacy commands' wrapper that makes it before the work.
        assert source.count("require_actor(") + source.count("_checked(") == 1, name


# 4. Amsterdam time with the zone


def test_local_time_is_amsterdam_with_the_zone():
    from signals.cli.actor import local_time

    assert local_time(datetime(2026, 11, 28, 13, 0, tzinfo=UTC)) == "2026-11-28 14:00 CET"
    assert local_time(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "2026-07-01 14:00 CEST"
    assert local_time("2026-07-01T12:00:00+00:00") == "2026-07-01 14:00 CEST"
    assert local_time(datetime(2026, 11, 28, 13, 0)) == "2026-11-28 14:00 CET"  # naive = UTC
    assert local_time(None) == "-"


def test_sources_status_prints_amsterdam_time():
    from signals.cli import sources_cmds

    assert sources_cmds._fmt_time(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "01-07 14:00 CEST"
    assert sources_cmds._fmt_time(datetime(2026, 11, 26, 9, 0, tzinfo=UTC)) == "26-11 10:00 CET"
    assert sources_cmds._fmt_time(None) == "-"
