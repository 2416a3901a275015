"""The audit chain on each supported database, with settings pointing at a fresh var/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from signals.config import Settings, get_settings
from signals.db.models import Base
from signals.db.session import get_engine


@dataclass
class AuditDB:
    kind: str
    settings: Settings
    engine: Engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def audit_db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AuditDB]:
    var = tmp_path / "var"
    var.mkdir()
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(var))
    for name in (
        "PSEUDONYM_KEY",
        "ES_URL",
        "AUDIT_CHECKPOINT_KEY",
        "AUDIT_CHECKPOINT_DIR",
        "AUDIT_CHECKPOINT_EVERY",
        "AUDIT_CHECKPOINT_SYSLOG",
        "AUDIT_CHECKPOINT_WEBHOOK",
    ):
        monkeypatch.delenv(f"SIGNALS_{name}", raising=False)
    if request.param == "sqlite":
        url = f"sqlite:///{var / 'signals.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("SIGNALS_DATABASE_URL", url)
    settings = get_settings()
    engine = get_engine(url)
    yield AuditDB(request.param, settings, engine)
    if request.param == "postgresql":
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    engine.dispose()
