"""Issue 16: a source that fails is visible, not green: `failing` in signals.health and a
banner naming it on the admins' source health page (besides its failed task in Airflow)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from signals.db.models import SourceStateRow
from signals.db.session import session_scope
from signals.db.types import utcnow
from signals.health import failing_sources, source_health
from tests.webapp import Env, login


def _seed(env: Env) -> None:
    now = utcnow()
    with session_scope(env.engine) as session:
        session.add_all([
            SourceStateRow(source_id="kapot", polls=3, errors=3, total_latency_ms=30.0,
                           last_error_at=now, last_error="HTTP 404 from http://x/feed.xml"),
            SourceStateRow(source_id="hersteld", polls=2, errors=1, total_latency_ms=20.0,
                           last_error_at=now - timedelta(hours=1), last_success_at=now,
                           last_error="timeout"),
            SourceStateRow(source_id="weer-kapot", polls=5, errors=1, total_latency_ms=50.0,
                           last_success_at=now - timedelta(hours=1), last_error_at=now,
                           last_error="HTTP 503"),
            SourceStateRow(source_id="goed", polls=1, errors=0, total_latency_ms=10.0,
                           last_success_at=now),
        ])


def test_the_latest_poll_decides_a_sources_status(env: Env) -> None:
    _seed(env)
    with session_scope(env.engine) as session:
        rows = source_health(session)
    assert {r["source_id"]: r["status"] for r in rows} == {
        "goed": "ok", "hersteld": "ok", "kapot": "failing", "weer-kapot": "failing"}
    assert failing_sources(rows) == ["kapot", "weer-kapot"]


def test_the_health_page_names_the_failing_sources(env: Env, client: TestClient) -> None:
    _seed(env)
    login(client, "admin")
    page = client.get("/bronnen")
    assert page.status_code == 200
    assert 'id="failing-sources"' in page.text
    assert "2 bronnen falen bij de laatste poging: kapot, weer-kapot." in page.text
