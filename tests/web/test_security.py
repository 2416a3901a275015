"""Sessions, CSRF, lockout, roles and headers."""

from __future__ import annotations

import base64
import json
import re

from sqlalchemy import select

from signals.db.models import AuditEvent, User
from signals.db.session import session_scope
from signals.db.types import utcnow
from signals.web.app import SESSION_COOKIE, iter_api_routes

from .conftest import PASSWORD, csrf_from, login, make_signal, page_csrf

# Routes anyone may reach: the login form itself and the machine-readable API description.
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/openapi.json")}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _session_payload(cookie: str) -> dict:
    data = cookie.split(".")[0]
    return json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))


def test_nobody_unauthenticated_sees_anything(client, env, app):
    make_signal(env.engine)
    checked = 0
    for path, route in iter_api_routes(app):
        for method in route.methods - {"HEAD", "OPTIONS"}:
            if (method, path) in PUBLIC:
                continue
            response = client.request(method, _concrete(path), follow_redirects=False)
            checked += 1
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path)
                assert response.json() == {"detail": "Niet ingelogd."}
            elif method == "GET":
                assert response.status_code == 303, (method, path)
                assert response.headers["location"].startswith("/login")
            else:
                # A form post without a session has no CSRF token either: refused either way.
                assert response.status_code in {303, 401, 403}, (method, path)
                assert "Stadhuisplein" not in response.text
    assert checked >= 20


def test_every_route_declares_its_roles(app):
    seen = 0
    for path, route in iter_api_routes(app):
        if all((m, path) in PUBLIC for m in route.methods - {"HEAD"}):
            continue
        calls = [d.call for d in route.dependant.dependencies]
        roles = [getattr(c, "roles", None) for c in calls if getattr(c, "roles", None)]
        assert roles, f"{path} names no roles"
        seen += 1
    assert seen >= 20


def test_analyst_cannot_manage_users(client, env):
    login(client, "analyst")
    assert client.get("/gebruikers").status_code == 403
    token = page_csrf(client, "/signalen")
    response = client.post(
        "/gebruikers", data={"username": "nieuw", "role": "admin", "csrf_token": token}
    )
    assert response.status_code == 403
    api = client.post(
        "/api/users",
        json={"username": "nieuw", "role": "admin"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 403
    assert client.get("/api/users").status_code == 403
    with session_scope(env.engine) as session:
        assert session.scalar(select(User).where(User.username == "nieuw")) is None


def test_admin_manages_users_and_it_is_audited(client, env):
    login(client, "admin")
    token = page_csrf(client, "/gebruikers")
    created = client.post(
        "/gebruikers", data={"username": "nieuwe.analist", "role": "analyst", "csrf_token": token}
    )
    assert created.status_code == 200
    assert "Eenmalig wachtwoord" in created.text
    client.post(
        "/gebruikers/nieuwe.analist", data={"op": "role", "role": "supervisor", "csrf_token": token}
    )
    client.post("/gebruikers/nieuwe.analist", data={"op": "disable", "csrf_token": token})
    with session_scope(env.engine) as session:
        user = session.scalar(select(User).where(User.username == "nieuwe.analist"))
        # Raising to supervisor waits for a second admin (vier ogen); disabling is immediate.
        assert user.role == "analyst" and not user.active
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.target_type == "user", AuditEvent.target_id == str(user.id)
            )
        ).all()
        assert actions == ["user.create", "user.role_grant.request", "user.disable"]


def test_auditor_cannot_read_post_content(client, env):
    sid = make_signal(env.engine, text="Geheime inhoud bij het Stadhuisplein")
    login(client, "auditor")
    for path in (
        f"/signalen/{sid}",
        "/signalen",
        f"/api/signals/{sid}",
        "/api/signals",
        "/signalen?q=Geheime",
    ):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 403, path
        assert "Geheime" not in response.text
    assert client.get("/audit").status_code == 200


def test_csrf_missing_is_refused(client, env):
    sid = make_signal(env.engine)
    login(client, "analyst")
    response = client.post(
        f"/signalen/{sid}/besluit", data={"to_status": "in_review", "version": "1"}
    )
    assert response.status_code == 403
    api = client.post(
        f"/api/signals/{sid}/decisions", json={"to_status": "in_review", "version": 1}
    )
    assert api.status_code == 403
    wrong = client.post(
        f"/api/signals/{sid}/decisions",
        json={"to_status": "in_review", "version": 1},
        headers={"X-CSRF-Token": "vals"},
    )
    assert wrong.status_code == 403
    # The login form is protected too (login CSRF).
    client.cookies.clear()
    assert (
        client.post("/login", data={"username": "analyst", "password": PASSWORD}).status_code == 403
    )


def test_backoff_after_failures(client, app, env):
    frozen = utcnow()
    app.state.login_throttle.clock = lambda: frozen
    free = app.state.login_throttle.PAIR_FREE
    for _ in range(free + 1):
        assert login(client, "analyst", "fout-wachtwoord").status_code == 401
    # Now even the right password waits (from this address) until the backoff has passed;
    # the message is the same for any name and says nothing about the account.
    held = login(client, "analyst", PASSWORD)
    assert held.status_code == 429
    assert "Te veel mislukte pogingen" in held.text and "geblokkeerd" not in held.text
    with session_scope(env.engine) as session:
        user = session.scalar(select(User).where(User.username == "analyst"))
        assert user.locked_until is None  # no account lockout
        failures = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.failure")
        ).all()
        assert len(failures) == free + 1
        assert all("fout-wachtwoord" not in json.dumps(f.details) for f in failures)
        assert all(PASSWORD not in json.dumps(f.details) for f in failures)


def test_session_id_changes_at_login(client, env):
    client.get("/login")
    before = client.cookies.get(SESSION_COOKIE)
    before_sid = _session_payload(before)["sid"]
    before_csrf = _session_payload(before)["csrf"]
    login_response = login(client, "analyst")
    assert login_response.status_code == 303
    after = client.cookies.get(SESSION_COOKIE)
    payload = _session_payload(after)
    assert payload["sid"] != before_sid
    assert payload["csrf"] != before_csrf
    assert payload["uid"]
    set_cookie = login_response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie
    # The pre-login cookie grants nothing.
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, before)
    assert client.get("/signalen", follow_redirects=False).status_code == 303


def test_logout_revokes_session(client, env):
    login(client, "analyst")
    cookie = client.cookies.get(SESSION_COOKIE)
    token = page_csrf(client, "/signalen")
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)  # a copied cookie is no longer valid
    assert client.get("/signalen", follow_redirects=False).status_code == 303


def test_disabled_user_loses_access_at_once(client, env):
    login(client, "analyst")
    assert client.get("/signalen").status_code == 200
    with session_scope(env.engine) as session:
        session.scalar(select(User).where(User.username == "analyst")).active = False
    assert client.get("/signalen", follow_redirects=False).status_code == 303


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "csrf_token" in response.text and csrf_from(response.text)


def test_no_open_redirect_after_login(client):
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "analyst",
            "password": PASSWORD,
            "csrf_token": csrf_from(page.text),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/signalen"


def test_login_throttle_per_client(client, app):
    throttle = app.state.login_throttle
    frozen = utcnow()
    throttle.clock = lambda: frozen
    for i in range(throttle.ADDRESS_FREE + 1):  # different (unknown) usernames, same client
        assert login(client, f"a{i}", "fout-wachtwoord").status_code == 401
    throttled = login(client, "analyst", PASSWORD)
    assert throttled.status_code == 429
    assert "Te veel mislukte pogingen" in throttled.text
