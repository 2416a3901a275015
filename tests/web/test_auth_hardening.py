"""Issue 15, findings 6, 7 and 8: server-checked session versions, login backoff, and the
smaller findings (alias, file modes, HSTS, schema, access log, register read access). SQLite
here; PostgreSQL where the database matters. Finding 2, four eyes: test_four_eyes.py."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import stat
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from signals import alerts, auth
from signals.actor import Actor
from signals.config import Settings
from signals.db.models import (
    AuditEvent,
)
from signals.db.session import session_scope
from signals.db.types import utcnow
from signals.web.app import SESSION_COOKIE, create_app

from .conftest import (
    ADDR_A,
    ADDR_B,
    PASSWORD,
    Env,
    audit_events,
    client_at,
    csrf_after_login,
    login,
    make_signal,
)

# --------------------------------------------------------------------------- 6. sessions


def test_logout_holds_after_a_restart(any_env):
    app = create_app(any_env.settings)
    with client_at(app) as client:
        token = csrf_after_login(client, "analyst")
        cookie = client.cookies.get(SESSION_COOKIE)
        assert client.post("/logout", headers={"X-CSRF-Token": token}).status_code in {200, 303}
    # A new process with the same secret: the copied cookie must still be dead.
    restarted = create_app(any_env.settings)
    with client_at(restarted) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        assert client.get("/api/me").status_code == 401


def test_password_change_ends_existing_sessions(any_env):
    app = create_app(any_env.settings)
    with client_at(app) as client, client_at(app) as other:
        csrf_after_login(client, "analyst")
        token = csrf_after_login(other, "analyst")
        assert client.get("/api/me").status_code == 200
        # Self-service change in the second browser ends the first browser's session...
        response = other.post(
            "/wachtwoord",
            data={
                "current": PASSWORD,
                "new": "a-new-password-1",
                "repeat": "a-new-password-1",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:400]
        assert client.get("/api/me").status_code == 401
        # ...but not the one that made the change (it got a fresh cookie).
        assert other.get("/api/me").status_code == 200
    with session_scope(any_env.engine) as session:
        auth.set_password(session, "analyst", "yet-another-pass", actor=Actor("cli", ""))
    with client_at(app) as client:
        client.cookies.set(SESSION_COOKIE, other.cookies.get(SESSION_COOKIE))
        assert client.get("/api/me").status_code == 401


# --------------------------------------------------------------------------- 7. throttling


def test_forwarded_for_is_ignored_unless_the_peer_is_a_configured_proxy(env):
    app = create_app(env.settings)
    with client_at(app, ("127.0.0.1", 5000)) as client:
        client.headers["X-Forwarded-For"] = "203.0.113.9"
        login(client, "nobody", "wrong-password")
    trusted = create_app(dataclasses.replace(env.settings, trusted_proxies=("127.0.0.1",)))
    with client_at(trusted, ("127.0.0.1", 5000)) as client:
        client.headers["X-Forwarded-For"] = "198.51.100.7, 203.0.113.9"
        login(client, "nobody", "wrong-password")
    clients = [e.details["client"] for e in audit_events(env.engine, "login.failure")]
    assert clients == ["127.0.0.1", "203.0.113.9"]


def test_uvicorn_is_told_not_to_trust_forwarded_headers():
    from signals.web.app import UVICORN_OPTIONS

    assert UVICORN_OPTIONS["proxy_headers"] is False
    dockerfile = Path(__file__).resolve().parents[2] / "Dockerfile"
    assert "--no-proxy-headers" in dockerfile.read_text()


def test_correct_login_from_another_address_works_during_an_attack(any_env):
    app = create_app(any_env.settings)
    frozen = utcnow()
    app.state.login_throttle.clock = lambda: frozen
    with client_at(app, ADDR_A) as attacker:
        for _ in range(30):
            assert login(attacker, "analyst", "wrong-password").status_code in {401, 429}
    with client_at(app, ADDR_B) as user:
        assert login(user, "analyst").status_code == 303


def test_same_answer_for_known_and_unknown_names(env):
    app = create_app(env.settings)
    frozen = utcnow()
    app.state.login_throttle.clock = lambda: frozen
    answers: dict[str, list[tuple[int, str]]] = {}
    for name, addr in (("analyst", ADDR_A), ("niemand", ADDR_B)):
        with client_at(app, addr) as client:
            seen = []
            for _ in range(8):
                response = login(client, name, "wrong-password")
                message = re.search(r'role="alert">([^<]*)<', response.text)
                text = re.sub(r"\d+", "N", message.group(1) if message else response.text[:80])
                seen.append((response.status_code, text))
            answers[name] = seen
    assert answers["analyst"] == answers["niemand"]
    assert not any("geblokkeerd" in text for _, text in answers["analyst"])


def test_backoff_is_exponential_and_expires(env):
    app = create_app(env.settings)
    throttle = app.state.login_throttle
    now = [utcnow()]
    throttle.clock = lambda: now[0]
    with client_at(app, ADDR_A) as client:
        codes = [login(client, f"name{i}", "wrong-password").status_code for i in range(40)]
        # Not a hard lockout: after the (capped) delay a correct login from the address works.
        assert 429 in codes
        now[0] += timedelta(seconds=throttle.max_address_delay + 1)
        assert login(client, "supervisor").status_code == 303
    delays = [throttle.delay(n, free=3, cap=10_000) for n in range(3, 9)]
    assert delays == [0, 1, 2, 4, 8, 16]


def test_throttle_state_survives_a_restart(any_env):
    app = create_app(any_env.settings)
    frozen = utcnow()
    app.state.login_throttle.clock = lambda: frozen
    with client_at(app, ADDR_A) as client:
        codes = [login(client, "analyst", "wrong-password").status_code for _ in range(8)]
    assert codes[-1] == 429
    restarted = create_app(any_env.settings)
    restarted.state.login_throttle.clock = lambda: frozen + timedelta(seconds=0.5)
    with client_at(restarted, ADDR_A) as client:
        assert login(client, "analyst").status_code == 429


# --------------------------------------------------------------------------- 8. smaller


def _two_authors(env: Env) -> int:
    signal_id = make_signal(env.engine, n_posts=3)
    with session_scope(env.engine) as session:
        from signals.db.models import Post, SignalPost

        posts = session.scalars(
            select(Post).join(SignalPost).where(SignalPost.signal_id == signal_id).order_by(Post.id)
        ).all()
        posts[0].author_pseudonym = "ps:" + "a" * 32
        posts[1].author_pseudonym = "ps:" + "b" * 32
        posts[2].author_pseudonym = "ps:" + "a" * 32
    return signal_id


def test_api_and_page_show_a_per_signal_alias_not_the_pseudonym(env):
    signal_id = _two_authors(env)
    app = create_app(env.settings)
    with client_at(app) as client:
        csrf_after_login(client, "analyst")
        body = client.get(f"/api/signals/{signal_id}").json()
        page = client.get(f"/signalen/{signal_id}").text
    aliases = [p["author_alias"] for p in body["posts"]]
    assert aliases == ["A", "B", "A"]
    assert all("author_pseudonym" not in p for p in body["posts"])
    for text in (json.dumps(body), page):
        assert "aaaaaaaa" not in text and "bbbbbbbb" not in text
        assert "0123456789" not in text


def test_var_dir_and_files_are_private(tmp_path, monkeypatch):
    var = tmp_path / "fresh-var"
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(var))
    monkeypatch.setenv("SIGNALS_DATABASE_URL", f"sqlite:///{var / 'signals.db'}")
    old = os.umask(0o022)
    try:
        from signals.config import get_settings

        app = create_app(get_settings())
        with client_at(app) as client:
            client.get("/login")
        from signals.private_files import write_private

        out = write_private(var / "briefings" / "2026-W48.html", "<p>x</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    wal = [var / "signals.db-wal", var / "signals.db-shm"]
    for path in (var / "signals.db", var / "secret_key", out, *[p for p in wal if p.exists()]):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700


def test_https_base_url_gives_secure_cookie_and_hsts(env):
    https = create_app(dataclasses.replace(env.settings, base_url="https://oov.almere.nl"))
    with TestClient(https, base_url="https://testserver") as client:
        response = login(client, "analyst")
        assert "secure" in response.headers["set-cookie"].lower()
        assert "max-age=" in response.headers["strict-transport-security"]
    plain = create_app(env.settings)
    with client_at(plain) as client:
        assert "strict-transport-security" not in client.get("/login").headers


def test_schema_declares_what_the_api_answers(env):
    import schemathesis

    signal_id = make_signal(env.engine, status="in_review")
    app = create_app(env.settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    with client_at(app) as client:
        token = csrf_after_login(client, "supervisor")
        headers = {"X-CSRF-Token": token}
        dismiss = client.post(
            f"/api/signals/{signal_id}/decisions",
            json={"to_status": "dismissed", "version": 1, "rationale": ""},
            headers=headers,
        )
        assert dismiss.status_code == 422
        schema["/api/signals/{signal_id}/decisions"]["POST"].validate_response(dismiss)
        zero = client.post("/api/interventions/1/approval", json={"approve": 0}, headers=headers)
        assert zero.status_code == 422
        missing = client.post(
            "/api/interventions/999/approval", json={"approve": True}, headers=headers
        )
        assert missing.status_code == 404
        schema["/api/interventions/{chosen_id}/approval"]["POST"].validate_response(missing)


def test_access_log_drops_query_strings(env, caplog):
    create_app(env.settings)
    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "10.0.0.1:1",
            "GET",
            "/signalen?q=geheime+zoekterm&status=open",
            "1.1",
            200,
        )
    assert caplog.records, "nothing logged"
    line = caplog.records[-1].getMessage()
    assert "/signalen" in line and "geheime" not in line and "?" not in line


def test_register_is_readable_but_not_editable_for_analysts(env):
    app = create_app(env.settings)
    with client_at(app) as client:
        token = csrf_after_login(client, "analyst")
        assert client.get("/register").status_code == 200
        assert client.get("/api/register").status_code == 200
        denied = client.post(
            "/api/register",
            json={
                "reference": "X-1",
                "place": "Stadhuisplein",
                "start_at": "2026-12-12T12:00:00Z",
                "end_at": "2026-12-12T14:00:00Z",
            },
            headers={"X-CSRF-Token": token},
        )
        assert denied.status_code == 403
        assert "Register" in client.get("/signalen").text


def test_settings_read_trusted_proxies(monkeypatch):
    monkeypatch.setenv("SIGNALS_TRUSTED_PROXIES", "10.1.0.1, 10.2.0.0/16")
    assert Settings.from_env().trusted_proxies == ("10.1.0.1", "10.2.0.0/16")


def test_single_admin_bootstrap_goes_through_the_cli(env, monkeypatch):
    """The first admin comes from the CLI (no approval: the host operator); a lone web admin's
    request for a supervisor waits until the operator (or a second admin) approves it."""
    from typer.testing import CliRunner

    from signals.cli import app as cli

    monkeypatch.setattr(
        alerts, "deliver_admin_alert", lambda s, msg: [alerts.AlertOutcome(0, "email", True)]
    )
    runner = CliRunner()
    first = runner.invoke(cli, ["users", "add", "eerste", "--role", "admin", "--password", "-"])
    assert first.exit_code == 0, first.output
    with session_scope(env.engine) as session:
        assert auth.get_user(session, "eerste").active
        eerste = auth.get_user(session, "eerste")
        auth.create_user(
            session, "sup-x", PASSWORD, "supervisor", actor=Actor("eerste", "", eerste.id)
        )
    listing = runner.invoke(cli, ["users", "list"])
    assert "awaiting a second admin" in listing.output
    assert runner.invoke(cli, ["users", "enable", "sup-x"]).exit_code == 1
    approved = runner.invoke(cli, ["users", "approve", "sup-x"])
    assert approved.exit_code == 0, approved.output
    with session_scope(env.engine) as session:
        assert auth.get_user(session, "sup-x").active
        actions = [e.action for e in session.scalars(select(AuditEvent))]
    assert "user.role_grant.approve" in actions and "alert.role_change" in actions


def test_parallel_failures_are_all_counted_and_never_crash(any_env):
    from concurrent.futures import ThreadPoolExecutor

    from signals.db.models import LoginAttempt

    app = create_app(any_env.settings)
    frozen = utcnow()
    app.state.login_throttle.clock = lambda: frozen

    def attempt(i: int) -> int:
        with client_at(app, ADDR_A) as client:
            return login(client, f"raad{i % 3}", "wrong-password").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(attempt, range(16)))
    assert set(codes) <= {401, 429}, codes
    with session_scope(any_env.engine) as session:
        row = session.get(LoginAttempt, f"addr:{ADDR_A[0]}")
        assert row is not None and row.failures == codes.count(401)


def test_uvicorn_access_log_has_no_query_strings(tmp_path):
    """The real server, started as the CLI starts it, logs the path without the search."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "SIGNALS_VAR_DIR": str(tmp_path / "var"),
        "SIGNALS_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'signals.db'}",
    }
    code = (
        "import uvicorn; from signals.web.app import UVICORN_OPTIONS; "
        f"uvicorn.run('signals.web.app:create_app', factory=True, host='127.0.0.1', port={port},"
        " **UVICORN_OPTIONS)"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                url = f"http://127.0.0.1:{port}/login?next=/signalen%3Fq%3Dgeheime-zoekterm"
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "no server"
                time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert '"GET /login HTTP/1.1" 200' in output, output[-2000:]
    assert "geheime" not in output and "?next" not in output


def test_expired_throttle_keys_are_forgotten(any_env):
    from signals.db.models import LoginAttempt

    app = create_app(any_env.settings)
    throttle = app.state.login_throttle
    start = utcnow()
    throttle.clock = lambda: start
    with session_scope(any_env.engine) as session:
        for i in range(20):
            throttle.failure(session, f"naam{i}", f"192.0.2.{i}")
    throttle.clock = lambda: start + throttle.FORGET_AFTER + timedelta(minutes=1)
    with session_scope(any_env.engine) as session:
        throttle.failure(session, "laatste", "192.0.2.200")
    with session_scope(any_env.engine) as session:
        keys = set(session.scalars(select(LoginAttempt.key)))
    assert keys == {"addr:192.0.2.200", "name:laatste@192.0.2.200"}
