"""Loading config/sources.yml: validation, legal fields, placeholders, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from collectors import SourcesConfigError, load_defaults, load_sources
from signals.cli import sources_cmds

ROOT = Path(__file__).resolve().parents[2]
LEGAL = {
    "purpose": "Vroegtijdig signaleren van oproepen in Almere",
    "legal_basis": "AVG art. 6 lid 1 sub e jo. Gemeentewet art. 172 lid 1",
    "public_because": "Openbare feed zonder inlog",
}


def write(tmp_path: Path, sources: list[dict], **top: object) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump({**top, "sources": sources}), encoding="utf-8")
    return path


def test_real_default_config_loads_with_legal_fields() -> None:
    sources = load_sources(ROOT / "config" / "sources.yml")
    kinds = {s.kind for s in sources}
    assert {"feed", "page", "mastodon_tag", "reddit"} <= kinds
    for source in sources:
        assert "Gemeentewet art. 172 lid 1" in source.legal_basis
        assert source.purpose and source.public_because
    assert "@" in load_defaults(ROOT / "config" / "sources.yml")["contact"]


def test_substitutions_fill_placeholders(tmp_path: Path) -> None:
    path = write(tmp_path, [{"id": "demo-a", "kind": "feed", "url": "{base_url}/x.rss", **LEGAL}])
    [source] = load_sources(path, substitutions={"base_url": "http://127.0.0.1:9999"})
    assert str(source.url) == "http://127.0.0.1:9999/x.rss"


@pytest.mark.parametrize("missing", ["purpose", "legal_basis", "public_because"])
def test_source_without_legal_field_is_refused(tmp_path: Path, missing: str) -> None:
    entry = {"id": "zonder-grond", "kind": "feed", "url": "https://example.nl/f.rss", **LEGAL}
    del entry[missing]
    path = write(tmp_path, [{"id": "ok", "kind": "feed", "url": "https://e.nl/a", **LEGAL}, entry])
    with pytest.raises(SourcesConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert str(path) in message and "#1" in message and "zonder-grond" in message
    assert missing in message


def test_bad_field_names_file_entry_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path, [{"id": "slecht", "kind": "fax", "url": "https://example.nl/f.rss", **LEGAL}]
    )
    with pytest.raises(SourcesConfigError, match=r"entry #0 \(id='slecht'\).*field 'kind'"):
        load_sources(path)


def test_duplicate_ids_and_non_list_are_refused(tmp_path: Path) -> None:
    entry = {"id": "dubbel", "kind": "feed", "url": "https://example.nl/f.rss", **LEGAL}
    with pytest.raises(SourcesConfigError, match="duplicate"):
        load_sources(write(tmp_path, [entry, entry]))
    bad = tmp_path / "bad.yml"
    bad.write_text("sources: nope\n", encoding="utf-8")
    with pytest.raises(SourcesConfigError, match="top-level 'sources:' list"):
        load_sources(bad)


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so "sources" is a sub-command
        pass

    sources_cmds.register(app)
    return app


def test_cli_validate_ok_and_failure(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(_cli(), ["sources", "validate", str(ROOT / "config" / "sources.yml")])
    assert ok.exit_code == 0, ok.output
    assert "OK:" in ok.output and "reddit-almere" in ok.output

    entry = {"id": "x1", "kind": "feed", "url": "https://example.nl/f.rss", **LEGAL}
    del entry["public_because"]
    failed = runner.invoke(_cli(), ["sources", "validate", str(write(tmp_path, [entry]))])
    assert failed.exit_code == 1
    assert "public_because" in failed.output


def test_cli_status_shows_health_rows(monkeypatch) -> None:
    from contextlib import contextmanager
    from datetime import UTC, datetime

    import signals.db.session as session_module
    import signals.health as health_module

    @contextmanager
    def fake_scope():
        yield object()

    rows = [
        {
            "source_id": "reddit-almere",
            "last_success_at": datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
            "last_error_at": datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
            "last_error": "HTTP 429 from https://www.reddit.com/r/Almere/new/.rss",
            "items_24h": 12,
            "avg_latency_ms": 431.2,
        }
    ]
    monkeypatch.setattr(session_module, "session_scope", fake_scope)
    monkeypatch.setattr(health_module, "source_health", lambda session: rows)
    result = CliRunner().invoke(_cli(), ["sources", "status"])
    assert result.exit_code == 0, result.output
    assert "reddit-almere" in result.output and "HTTP 429" in result.output
    assert "431 ms" in result.output and "12" in result.output
