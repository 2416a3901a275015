"""Fixtures for the security tests: a migrated SQLite copy per test with one user per role,
the app and a client."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sec_helpers import PASSWORD, USERS
from sqlalchemy import Engine

from signals.auth import create_user
from signals.config import Settings, get_settings
from signals.db.session import get_engine, make_engine, migrate, session_scope
from signals.web.app import create_app


@dataclass
class Env:
    settings: Settings
    engine: Engine


@pytest.fixture(scope="session")
def security_template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sectemplate") / "web.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with session_scope(engine) as session:
        for name, role in USERS.items():
            create_user(session, name, password=PASSWORD, role=role)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def env(tmp_path, monkeypatch, security_template_db) -> Env:
    db = tmp_path / "web.db"
    shutil.copyfile(security_template_db, db)
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SIGNALS_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("SIGNALS_AUTOTAG", "on")
    monkeypatch.delenv("SIGNALS_ES_URL", raising=False)
    monkeypatch.delenv("SIGNALS_PSEUDONYM_KEY", raising=False)
    settings = get_settings()
    return Env(settings, get_engine(settings.database_url))


@pytest.fixture
def app(env: Env):
    return create_app(env.settings)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c
