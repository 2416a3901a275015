"""Finding 5 of issue 15: every GET route declares its read audit and audited reads leave a
row; every state-changing route requires the CSRF token; the audit page is one row a visit."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from signals.db.models import AuditEvent
from signals.db.session import session_scope
from signals.web.app import iter_api_routes
from signals.web.deps import csrf_protect
from signals.web.read_audit import declaration
from tests.factories import make_register_entry

from .conftest import login, make_signal

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/openapi.json")}
# The only GET routes that may skip the read audit: they show no case data and no personal
# data. Adding a route here is a decision a reviewer must see.
NOT_CASE_DATA = {"/", "/wachtwoord", "/api/me", "/melden"}  # /melden: an empty report form
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
ROLE_PREFERENCE = ("analyst", "supervisor", "auditor", "admin", "partner")


def _token_auth(route) -> bool:
    """Routes of partner systems authenticate with an API key, not the session cookie: their
    reads are audited by the handler and checked with a key in tests/partner."""
    return any(getattr(dep.call, "token_auth", False) for dep in route.dependant.dependencies)


def _roles(route) -> set[str]:
    found: set[str] = set()
    for dep in route.dependant.dependencies:
        found |= set(getattr(dep.call, "roles", ()) or ())
    return found


def _get_routes(app):
    for path, route in iter_api_routes(app):
        if "GET" in route.methods and ("GET", path) not in PUBLIC:
            yield path, route


def test_every_get_route_declares_its_read_audit(app):
    seen = 0
    for path, route in _get_routes(app):
        decl = declaration(route)
        assert decl is not None, (
            f"GET {path} declares no read audit: add audited(...), audited_by_handler(...) "
            "or not_audited(reason) to its dependencies (signals/web/read_audit.py)"
        )
        if decl.action is None:
            assert path in NOT_CASE_DATA, f"GET {path} shows case or personal data: audit it"
            assert decl.reason
        seen += 1
    assert seen >= 20


def _concrete(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: str(ids[m.group(1)]), path)


def _audit_rows(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def _actions_after(engine, after: int) -> list[str]:
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent.action).where(AuditEvent.id > after).order_by(AuditEvent.id)
            )
        )


def _logged_in(clients: dict[str, TestClient], app, role: str) -> TestClient:
    """One client per role, logged in once; the caller closes them all."""
    if role not in clients:
        clients[role] = TestClient(app)
        clients[role].__enter__()
        assert login(clients[role], role).status_code == 303
    return clients[role]


def test_every_audited_get_route_leaves_a_row(app, env):
    signal_id = make_signal(env.engine, status="escalated")
    with session_scope(env.engine) as session:
        entry_id = make_register_entry(session, "W-1", place="Stadhuisplein").id
    report_id = _partner_report(env.engine, signal_id)
    # A briefing made before, so that its download (GET /briefing/{week}/pdf) has a file.
    env.settings.briefing_dir.mkdir(parents=True, exist_ok=True)
    (env.settings.briefing_dir / "briefing-2026-W49.pdf").write_bytes(b"%PDF-1.7\n")
    ids = {"signal_id": signal_id, "entry_id": entry_id, "report_id": report_id, "week": "2026-W49"}
    clients: dict[str, TestClient] = {}
    checked = []
    try:
        for path, route in _get_routes(app):
            decl = declaration(route)
            assert decl is not None
            if decl.action is None or _token_auth(route):
                continue
            role = next(r for r in ROLE_PREFERENCE if r in _roles(route))
            _logged_in(clients, app, role)
            before = _audit_rows(env.engine)
            response = clients[role].get(_concrete(path, ids), follow_redirects=False)
            assert response.status_code == 200, (path, role, response.status_code)
            actions = _actions_after(env.engine, before)
            assert decl.action in actions, f"GET {path} as {role} left no {decl.action} row"
            assert len(actions) == 1, f"GET {path} wrote {actions}: one read, one row"
            checked.append(path)
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)
    # The reads the issue named are among them.
    for path in (
        "/signalen",
        "/interventies",
        "/api/signals/{signal_id}/interventions",
        "/signalen/{signal_id}/interventies",
        "/register",
        "/register/{entry_id}",
        "/api/register",
        "/privacy",
        "/gebruikers",
        "/api/users",
        "/bronnen",
        "/api/health/sources",
        "/briefing",
        "/briefing/{week}/pdf",
    ):
        assert path in checked, path


def _partner_report(engine, signal_id: int) -> int:
    """A report by the account `partner` on the signal, stored as the service leaves it."""
    from signals.db.models import User
    from signals.db.partner_models import PartnerAccount, PartnerReport

    with session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == "partner"))
        account = session.get(PartnerAccount, user.id)
        report = PartnerReport(
            signal_id=signal_id, organisation_id=account.organisation_id,
            organisation_kind="jongerenwerk", reporter_id=user.id, channel="web",
            what="Jongeren spreken af op het Stadhuisplein.", knowledge="gehoord",
            urgency="middel",
        )
        session.add(report)
        session.flush()
        return report.id


def test_refused_or_failed_read_leaves_no_view_row(client, env):
    assert login(client, "analyst").status_code == 303
    before = _audit_rows(env.engine)
    assert client.get("/gebruikers").status_code == 403
    assert "user.list" not in _actions_after(env.engine, before)
    client.cookies.clear()
    assert login(client, "supervisor").status_code == 303
    before = _audit_rows(env.engine)
    assert client.get("/register/999999").status_code == 404  # nothing was shown
    assert "register.view" not in _actions_after(env.engine, before)


def _has_csrf(dependant) -> bool:
    return any(d.call is csrf_protect or _has_csrf(d) for d in dependant.dependencies)


def test_every_state_changing_route_requires_the_csrf_token(app, env):
    make_signal(env.engine)
    routes = [
        (method, path, route)
        for path, route in iter_api_routes(app)
        for method in route.methods & STATE_CHANGING
    ]
    assert len(routes) >= 15
    routes = [(m, p, r) for m, p, r in routes if not _token_auth(r)]
    for method, path, route in routes:
        assert _has_csrf(route.dependant), f"{method} {path} does not depend on csrf_protect"
    # And in practice: logged in with a permitted role, without the token, refused.
    clients: dict[str, TestClient] = {}
    try:
        for method, path, route in routes:
            if (method, path) in PUBLIC:
                continue
            role = next(r for r in ROLE_PREFERENCE if r in _roles(route))
            _logged_in(clients, app, role)
            before = _audit_rows(env.engine)
            url = re.sub(r"\{[^}]+\}", "1", path)
            response = clients[role].request(method, url, follow_redirects=False)
            assert response.status_code == 403, (method, path, response.status_code)
            assert _actions_after(env.engine, before) == [], (method, path)
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def test_login_form_post_without_token_is_refused(client):
    response = client.post(
        "/login", data={"username": "analyst", "password": "x"}, follow_redirects=False
    )
    assert response.status_code == 403


def test_audit_page_is_one_row_per_visit_with_clear_counts(client, env):
    assert login(client, "auditor").status_code == 303
    before = _audit_rows(env.engine)
    page = client.get("/audit").text
    actions = _actions_after(env.engine, before)
    assert actions == ["audit.query"]
    with session_scope(env.engine) as session:
        total = session.scalar(select(func.count(AuditEvent.id)))
    # Both counts name the same rows: the whole log up to and including this visit.
    assert f"alle {total} regels van het auditlog gecontroleerd (#1 tot en met #{total})" in page
    assert f"{total} gebeurtenissen in het auditlog, tot en met dit bezoek (#{total})" in page
    assert re.search(r"Laatste ijkpunt buiten de database:\s+nog geen", page)
    # Asking explicitly for verification is still one row.
    before = _audit_rows(env.engine)
    client.get("/audit", params={"verify": "1"})
    assert _actions_after(env.engine, before) == ["audit.query"]
    before = _audit_rows(env.engine)
    api = client.get("/api/audit/verify").json()
    assert _actions_after(env.engine, before) == ["audit.verify"]
    assert api["ok"] is True and api["checked"] == total + 2
