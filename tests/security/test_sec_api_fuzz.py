"""schemathesis against the app's OpenAPI schema: every documented operation, called with a
logged-in session of a role that may use it (plus its CSRF token), with valid and invalid
generated input. No 5xx ever; every 4xx is JSON with a non-empty `detail` message."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from sec_helpers import logged_in, make_signal
from secstats import attack, fuzz_case

from signals.web.app import SESSION_COOKIE, iter_api_routes

# scripts/security_report.py raises SIGNALS_FUZZ_SCALE for a longer run.
EXAMPLES = int(8 * float(os.environ.get("SIGNALS_FUZZ_SCALE", "1")))


def _roles_by_operation(app) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path, route in iter_api_routes(app):
        roles: list[str] = []
        for dep in route.dependant.dependencies:
            roles = sorted(getattr(dep.call, "roles", ()) or roles)
        for method in route.methods:
            found[(method.upper(), path)] = roles
    return found


def _sessions(app) -> dict[str, tuple[str, str]]:
    sessions = {}
    for role in ("analyst", "supervisor", "auditor", "admin"):
        with TestClient(app) as client:
            token = logged_in(client, role)
            sessions[role] = (client.cookies.get(SESSION_COOKIE), token)
    return sessions


def _partner_key(app, env) -> str:
    """An API key of a partner organisation, for the partner systems' operations (they
    authenticate with it instead of a session); its rate limit is lifted for the run."""
    from signals.db.session import session_scope
    from signals.partner.tokens import RateLimiter
    from signals.services import Actor, partner_admin

    host = Actor("host", "admin")
    with session_scope(env.engine) as session:
        org = partner_admin.create_organisation(session, host, "Fuzz partner", "anders")
        _row, key = partner_admin.create_token(session, host, org.id, "schemathesis")
    app.state.partner_limiter = RateLimiter(limit=1_000_000)
    from nlp.api import get_enricher

    get_enricher()  # a report is classified: load the model before the client's 10 s timeout
    return key


def _check(response, label: str) -> None:
    assert response.status_code < 500, (label, response.status_code, response.content[:300])
    if 400 <= response.status_code < 500:
        body = json.loads(response.content or b"{}")
        assert body.get("detail"), (label, response.status_code, body)


def _fuzz(
    operation, mode, cookie: str, token: str, label: str, failures: list[str],
    extra: dict[str, str] | None = None,
) -> int:
    calls = 0

    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        nonlocal calls
        fuzz_case(f"API {mode.value}")
        calls += 1
        response = case.call(
            headers={"X-CSRF-Token": token, **(extra or {})}, cookies={SESSION_COOKIE: cookie}
        )
        _check(response, f"{label} [{mode.value}]")

    try:
        run()
    except Unsatisfiable:
        # No parameters and no body: there is no invalid input to send.
        assert mode == GenerationMode.NEGATIVE, label
    except Exception as exc:  # noqa: BLE001 - collect every failing operation, then fail once
        failures.append(f"{label} [{mode.value}]: {type(exc).__name__}: {str(exc)[:300]}")
    return calls


@pytest.mark.slow
def test_every_documented_operation_without_server_errors(app, env):
    make_signal(env.engine)
    make_signal(env.engine, status="escalated")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    roles = _roles_by_operation(app)
    sessions = _sessions(app)
    partner_key = _partner_key(app, env)
    operations = 0
    calls = {"n": 0}
    failures: list[str] = []
    partner_ops: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        allowed = roles.get((operation.method.upper(), operation.path), [])
        role = allowed[0] if allowed else "analyst"
        extra: dict[str, str] = {}
        if role == "partner":
            # A partner system: its API key, next to a session that gives it nothing.
            extra = {"Authorization": f"Bearer {partner_key}"}
            partner_ops.append(operation.path)
        label = f"{operation.method.upper()} {operation.path} as {role}"
        cookie, token = sessions["analyst" if role == "partner" else role]
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            calls["n"] += _fuzz(operation, mode, cookie, token, label, failures, extra)
    assert operations >= 15
    assert sorted(set(partner_ops)) == [
        "/api/partner/meldingen",
        "/api/partner/meldingen/{report_id}",
    ]
    for failure in failures:
        attack("api", failure.split(":", 1)[0], "FAILED: " + failure.split(":", 2)[1].strip())
    assert not failures, "\n".join(failures)
    attack(
        "api",
        f"schemathesis: {operations} operations, valid and invalid input, "
        "each as a role allowed to call it",
        f"{calls['n']} calls, no 5xx, 4xx with detail",
    )


def test_unauthenticated_api_calls_get_401_with_message(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            fuzz_case("API unauthenticated")
            response = case.call()
            assert response.status_code in {401, 403, 422}, response.status_code
            assert json.loads(response.content).get("detail")

        run()
        checked += 1
    attack("api", f"{checked} operations without a session", "401 with message")
