"""The web suite's helpers, re-exported from the shared fixture stack and factories."""

from __future__ import annotations

# The fixtures (template_db, env, app, client, live_server, browser, screenshot_dir) live in
# tests/webapp.py, registered for every folder by tests/conftest.py. The helpers stay importable
# from here, as the web tests import them (`from .conftest import login, make_signal`).
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from signals import auth
from signals.actor import Actor
from signals.db.models import AuditEvent, Base
from signals.db.session import get_engine, session_scope
from signals.triage import DecisionRequest, decide
from tests.factories import make_call_signal as make_signal
from tests.webapp import (
    PASSWORD,
    Env,
    browser_log_in,
    csrf_from,
    login,
    page_csrf,
    page_with_errors,
)

__all__ = [
    "ADDR_A", "ADDR_B", "PASSWORD", "Env", "audit_events", "browser_log_in", "client_at",
    "colleague_decides", "csrf_after_login", "csrf_from", "login", "make_signal", "page_csrf",
    "page_with_errors",
]


def colleague_decides(
    engine: Engine, signal_id: int, to_status: str, rationale: str, **options: Any
) -> None:
    """`analyst2` takes the first decision on a signal (version 1) before the test's user
    opens it: the history then holds a colleague's step."""
    with session_scope(engine) as session:
        request = DecisionRequest(signal_id, to_status, 1, rationale=rationale)
        decide(session, request, actor=Actor("analyst2", "analyst"), **options)


ADDR_A = ("10.0.0.1", 40000)
ADDR_B = ("10.0.0.2", 40000)


def client_at(app, client: tuple[str, int] = ("testclient", 50000)) -> TestClient:
    return TestClient(app, client=client)


def csrf_after_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = login(client, username, password)
    assert response.status_code == 303, response.text[:400]
    return client.get("/api/me").json()["csrf_token"]


def audit_events(engine, action: str) -> list[AuditEvent]:
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


# The hardening tests' app on PostgreSQL, and a fixture that runs a test on both databases.


@pytest.fixture
def pg_env(postgres_url, tmp_path, monkeypatch) -> Iterator[Env]:
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SIGNALS_DATABASE_URL", postgres_url)
    from signals.config import get_settings

    settings = get_settings()
    engine = get_engine(settings.database_url)
    with session_scope(engine) as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        for role in ("analyst", "supervisor", "auditor", "admin"):
            auth.create_user(session, role, PASSWORD, role)
        auth.create_user(session, "admin2", PASSWORD, "admin")
    yield Env(settings, engine)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_env(request) -> Env:
    if request.param == "sqlite":
        env: Env = request.getfixturevalue("env")
        with session_scope(env.engine) as session:
            auth.create_user(session, "admin2", PASSWORD, "admin")
        return env
    return request.getfixturevalue("pg_env")
