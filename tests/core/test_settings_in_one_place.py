"""Issue 17: settings are read from the environment in one place, `signals.config.Settings`.

Everything else receives a `Settings` (or, in `nlp` and `collectors`, which may not import
`signals`, the values it needs as arguments)."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from signals.config import DEFAULT_REGISTER_MARGIN, EsAccess, get_settings

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("signals", "nlp", "collectors", "dags")
READER = "signals/config.py"
# Uses of the process environment that are not settings being read.
EXCEPTIONS = {
    # Writes, not reads: `signals demo` points the web app that uvicorn builds from the
    # environment at the demo's sources.
    "signals/demo.py",
}


_NAMES = ("environ", "getenv", "environb")


def _uses_environment(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in _NAMES  # os.environ, os.getenv
    if isinstance(node, ast.ImportFrom):
        return node.module == "os" and any(a.name in _NAMES for a in node.names)
    return False


def _environment_uses(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if _uses_environment(node)]


def test_only_settings_reads_the_environment() -> None:
    found = sorted(
        f"{rel}:{line}"
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if (rel := str(path.relative_to(REPO))) not in {READER, *EXCEPTIONS}
        for line in _environment_uses(path)
    )
    assert not found, "read these through signals.config.Settings:\n" + "\n".join(found)


def test_the_exceptions_are_still_needed() -> None:
    # A stale exception would let a new read slip in unnoticed.
    for rel in EXCEPTIONS:
        assert _environment_uses(REPO / rel), rel
    assert _environment_uses(REPO / READER)


def test_register_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNALS_REGISTER_MARGIN_MIN", raising=False)
    assert get_settings().register_margin == DEFAULT_REGISTER_MARGIN
    monkeypatch.setenv("SIGNALS_REGISTER_MARGIN_MIN", "45")
    assert get_settings().register_margin == timedelta(minutes=45)
    monkeypatch.setenv("SIGNALS_REGISTER_MARGIN_MIN", "twee uur")
    assert get_settings().register_margin == DEFAULT_REGISTER_MARGIN


def test_paths_and_elasticsearch_access(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SIGNALS_RETENTION_CONFIG", str(tmp_path / "retention.yml"))
    monkeypatch.setenv("SIGNALS_ES_MAPPINGS_DIR", str(tmp_path))
    monkeypatch.delenv("SIGNALS_ES_PASSWORD", raising=False)
    monkeypatch.setenv("ELASTIC_PASSWORD", "pw")
    monkeypatch.setenv("SIGNALS_ES_PREFIX", "almere")
    settings = get_settings()
    assert settings.retention_config == tmp_path / "retention.yml"
    assert settings.es_mappings_dir == tmp_path
    assert settings.es_access == EsAccess(prefix="almere", password="pw")
    monkeypatch.delenv("SIGNALS_RETENTION_CONFIG")
    monkeypatch.delenv("SIGNALS_ES_MAPPINGS_DIR")
    assert get_settings().retention_config is None and get_settings().es_mappings_dir is None


def test_contact_and_user_agent_remember_whether_the_environment_set_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SIGNALS_CONTACT", raising=False)
    monkeypatch.setenv("SIGNALS_USER_AGENT", "test-agent")
    settings = get_settings()
    assert not settings.contact_set and settings.user_agent_set
