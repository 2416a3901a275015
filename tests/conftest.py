"""Shared fixtures: isolated settings per test; the system of record on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

PG_ADMIN_URL = os.environ.get(
    "SIGNALS_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def signals_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every setting at a fresh var/ directory and SQLite database."""
    var = tmp_path / "var"
    var.mkdir()
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(var))
    monkeypatch.setenv("SIGNALS_DATABASE_URL", f"sqlite:///{var / 'signals.db'}")
    monkeypatch.delenv("SIGNALS_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("SIGNALS_ES_URL", raising=False)
    monkeypatch.setenv("SIGNALS_AUTOTAG", "on")
    return var


def _postgres_available() -> bool:
    try:
        with create_engine(PG_ADMIN_URL).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL database on the local server. In CI a missing server fails."""
    if not _postgres_available():
        if os.environ.get("SIGNALS_REQUIRE_POSTGRES") == "1" or os.environ.get("CI"):
            pytest.fail("PostgreSQL is required on 127.0.0.1:5432 but is not reachable")
        pytest.skip("PostgreSQL not reachable (set SIGNALS_REQUIRE_POSTGRES=1 to fail instead)")
    name = f"signals_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty system of record on each supported database."""
    from signals.db.models import Base
    from signals.db.session import make_engine, migrate

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    migrate(engine)
    yield engine
    # Leave an empty schema for the next test on the same database.
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
