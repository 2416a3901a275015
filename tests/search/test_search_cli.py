"""`signals es setup` and `signals reindex` as an operator runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from fake_es import FakeElasticsearch
from typer.testing import CliRunner

from signals.cli.search_cmds import register


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_es_setup_applies_everything_to_the_configured_node(
    cli: typer.Typer, fake_es: FakeElasticsearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALS_ES_URL", fake_es.url)
    monkeypatch.setenv("ELASTIC_PASSWORD", "pw")
    result = CliRunner().invoke(cli, ["es", "setup", "--audit-days", "400"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ilm_delete_after_days"]["signals-audit"] == 431
    # The rest follows the retention policy (config/retention.yml).
    from signals.retention import load_policy

    policy = load_policy()
    assert report["ilm_delete_after_days"]["signals-posts"] == policy.unsignalled_posts_days
    assert report["ilm_delete_after_days"]["signals-signals"] == 31 + max(
        policy.dismissed_days, policy.monitoring_days, policy.untriaged_days,
        policy.escalated_default_days,
    )
    assert len(fake_es.find("PUT", "/_index_template/.*")) == 3
    assert all(r.headers["authorization"].startswith("Basic ") for r in fake_es.requests)


def test_es_setup_refuses_too_short_audit_retention(
    cli: typer.Typer, fake_es: FakeElasticsearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALS_ES_URL", fake_es.url)
    result = CliRunner().invoke(cli, ["es", "setup", "--audit-days", "30"])
    assert result.exit_code == 1
    assert "at least 183" in result.output
    assert fake_es.find("PUT", "/_ilm/policy/.*") == []


def test_reindex_rebuilds_the_embedded_index_from_the_database(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signals.db.session import get_engine, session_scope
    from signals.search import get_backend
    from tests.factories import make_post

    monkeypatch.delenv("SIGNALS_ES_URL", raising=False)
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SIGNALS_DATABASE_URL", f"sqlite:///{tmp_path / 'signals.db'}")
    with session_scope(get_engine()) as session:
        make_post(session, text="Zaterdag naar het Stadhuisplein", title="Oproep",
                  source_id="forum", url="http://127.0.0.1/p/1", content_hash="0" * 64,
                  author=None, fetched_at=datetime(2026, 11, 26, tzinfo=UTC), published_at=None,
                  enriched=False)
    result = CliRunner().invoke(cli, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "reindexed 1 documents" in result.output
    hits = get_backend().search("stadhuisplein", kind="posts").hits
    assert len(hits) == 1
