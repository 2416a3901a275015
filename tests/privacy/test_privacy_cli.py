"""The privacy commands end to end through the CLI (real settings, SQLite, FTS index)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from privacy_world import raw_post
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from signals.cli import app
from signals.config import get_settings
from signals.db.models import AuditEvent, Post
from signals.db.session import get_engine
from signals.intake import store_raw_posts
from signals.privacy.pseudonym import Pseudonymizer
from signals.switches import autotag_enabled
from tests.factories import make_user

runner = CliRunner()


def _seed(old_days: int = 10) -> None:
    settings = get_settings()
    with Session(get_engine()) as session:
        for name, role in (("beheer", "admin"), ("ana", "analyst")):
            make_user(session, name, role)
        moment = datetime.now(UTC) - timedelta(days=old_days)
        raw = raw_post("https://example.org/x/1", "tekst", "@Jan", moment, fetched_at=moment)
        store_raw_posts(session, [raw], Pseudonymizer(settings.pseudonym_key_dir))
        session.commit()


def _actions() -> list[str]:
    with Session(get_engine()) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_purge_dry_run_then_real(signals_env):
    _seed()
    dry = runner.invoke(app, ["purge", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert len(json.loads(dry.output)["post_ids"]) == 1
    with Session(get_engine()) as session:
        assert session.scalar(select(Post.id)) is not None
    real = runner.invoke(app, ["purge"])
    assert real.exit_code == 0, real.output
    with Session(get_engine()) as session:
        assert session.scalar(select(Post.id)) is None
    assert _actions().count("retention.purge") == 1


def _lookup(reference: str, as_user: str):
    return runner.invoke(
        app,
        ["privacy", "lookup", "--handle", "@jan", "--source", "src-a",
         "--reference", reference, "--as", as_user],
    )


def test_lookup_needs_admin_and_refusal_is_kept_in_the_audit_log(signals_env):
    _seed(old_days=1)
    refused = _lookup("R-1", "ana")
    assert refused.exit_code == 2  # the --as check: a role that may not do this
    assert "privacy.lookup.denied" in _actions()
    ok = _lookup("R-2", "beheer")
    assert ok.exit_code == 0, ok.output
    assert len(json.loads(ok.output)["records"]) == 1
    erased = runner.invoke(
        app,
        [
            "privacy",
            "erase",
            "--handle",
            "JAN",
            "--source",
            "src-a",
            "--reference",
            "R-3",
            "--as",
            "beheer",
            "--yes",
        ],
    )
    assert erased.exit_code == 0, erased.output
    with Session(get_engine()) as session:
        assert session.scalar(select(Post.id)) is None


def test_autotag_switch_from_the_cli(signals_env):
    _seed(old_days=1)
    assert runner.invoke(app, ["autotag", "off", "--as", "ana", "--reason", "x"]).exit_code == 2
    result = runner.invoke(app, ["autotag", "off", "--as", "beheer", "--reason", "incident"])
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        assert not autotag_enabled(session)
    assert "autotag.off" in _actions()
