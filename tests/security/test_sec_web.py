"""Privacy page, kill switch, four-eyes reveal in the UI, no "by author" anywhere, roles by URL,
role escalation through form fields, and HTML/JS in post text escaped on every page."""

from __future__ import annotations

import re

import pytest
from sec_helpers import PASSWORD, csrf_from, logged_in, login, make_signal
from secstats import attack
from sqlalchemy import select

from signals.db.models import AuditEvent, AuthorEscrow, Post, User
from signals.db.session import session_scope
from signals.privacy import escrow
from signals.web.app import iter_api_routes

AUTHOR_WORDS = re.compile(r"author|auteur|pseudonym|handle|poster|username_of|schrijver", re.I)


def _actions(env) -> list[str]:
    with session_scope(env.engine) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("role", ["analyst", "supervisor", "auditor", "admin"])
def test_privacy_page_for_every_role(client, env, role):
    logged_in(client, role)
    page = client.get("/privacy")
    assert page.status_code == 200
    for heading in ("Doelen", "Grondslag", "Bronnen", "Bewaartermijnen", "Algoritmeregister"):
        assert heading in page.text
    assert "AVG art. 6 lid 1 sub e" in page.text and "Menselijke tussenkomst" in page.text
    assert env.settings.contact in page.text
    # Only the admin sees the kill switch form, only supervisors the reveal form.
    assert ('action="/privacy/autotag"' in page.text) == (role == "admin")
    assert ('action="/privacy/onthullen"' in page.text) == (role == "supervisor")


def test_kill_switch_toggle_is_admin_only_and_audited(client, env):
    from signals.switches import autotag_enabled

    token = logged_in(client, "analyst")
    refused = client.post(
        "/privacy/autotag", data={"enabled": "off", "reason": "test", "csrf_token": token}
    )
    assert refused.status_code == 403
    attack("roles", "analyst flips the kill switch by URL", f"HTTP {refused.status_code}")
    client.cookies.clear()
    token = logged_in(client, "admin")
    done = client.post(
        "/privacy/autotag",
        data={"enabled": "off", "reason": "incident 12", "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with session_scope(env.engine) as session:
        assert not autotag_enabled(session)
    assert "autotag.off" in _actions(env)
    assert "UIT" in client.get("/privacy").text
    no_csrf = client.post("/privacy/autotag", data={"enabled": "on", "reason": "x y z"})
    assert no_csrf.status_code == 403
    attack("csrf", "kill switch without CSRF token", f"HTTP {no_csrf.status_code}")


def test_reveal_four_eyes_in_the_ui(client, env):
    sid, pid = make_signal(env.engine, status="escalated")
    with session_scope(env.engine) as session:
        escrow.deposit(
            session, session.get(Post, pid), "@echte_naam", key_dir=env.settings.pseudonym_key_dir
        )
    token = logged_in(client, "supervisor")
    ground = "Gemeentewet 172 lid 3, concrete dreiging op zaterdag"
    made = client.post(
        "/privacy/onthullen",
        data={"signal_id": sid, "post_id": pid, "legal_ground": ground, "csrf_token": token},
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = client.get("/privacy").text
    assert "wacht op een tweede supervisor" in page
    own = client.post(
        "/privacy/onthullen/1/besluit", data={"decision": "approve", "csrf_token": token}
    )
    assert own.status_code == 400 and "tweede supervisor" in own.text
    attack("four-eyes", "requester approves own reveal", f"HTTP {own.status_code}")
    early = client.post("/privacy/onthullen/inzien", data={"request_id": 1, "csrf_token": token})
    assert early.status_code == 400 and "@echte_naam" not in early.text

    client.cookies.clear()
    token2 = logged_in(client, "supervisor2")
    ok = client.post(
        "/privacy/onthullen/1/besluit",
        data={"decision": "approve", "csrf_token": token2},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    shown = client.post("/privacy/onthullen/inzien", data={"request_id": 1, "csrf_token": token2})
    assert shown.status_code == 200 and "@echte_naam" in shown.text
    actions = _actions(env)
    assert {"privacy.reveal.request", "privacy.reveal.approve", "privacy.reveal"} <= set(actions)
    assert "privacy.reveal.approve.denied" not in actions


def test_analyst_cannot_reach_reveal_routes(client, env):
    sid, pid = make_signal(env.engine, status="escalated")
    token = logged_in(client, "analyst")
    for path, data in [
        ("/privacy/onthullen", {"signal_id": sid, "post_id": pid, "legal_ground": "x" * 20}),
        ("/privacy/onthullen/1/besluit", {"decision": "approve"}),
        ("/privacy/onthullen/inzien", {"request_id": 1}),
    ]:
        response = client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 403, path
        attack("roles", f"analyst POST {path}", f"HTTP {response.status_code}")


def test_no_route_accepts_an_author_filter(app):
    """Fails if any route (HTML or API, query, path, form or JSON body) takes a parameter that
    names an author, a pseudonym or a handle: LEGAL.md forbids per-person views."""
    checked = 0
    for path, route in iter_api_routes(app):
        assert not AUTHOR_WORDS.search(path), path
        dependant = route.dependant
        params = (
            dependant.query_params
            + dependant.path_params
            + dependant.body_params
            + dependant.cookie_params
            + dependant.header_params
        )
        for sub in dependant.dependencies:
            params += sub.query_params + sub.path_params + sub.body_params
        for param in params:
            checked += 1
            assert not AUTHOR_WORDS.search(param.name), f"{path} takes {param.name!r}"
            annotation = getattr(param.field_info, "annotation", None)
            fields = getattr(annotation, "model_fields", {}) or {}
            for name in fields:
                assert not AUTHOR_WORDS.search(name), f"{path} body field {name!r}"
    assert checked > 20
    schema = app.openapi()
    assert not AUTHOR_WORDS.search(
        " ".join(
            p.get("name", "")
            for ops in schema["paths"].values()
            for op in ops.values()
            if isinstance(op, dict)
            for p in op.get("parameters", [])
        )
    )


def test_pseudonyms_are_not_listed_or_filterable(client, env):
    # Lists never carry pseudonyms (they would let a script group posts per author).
    make_signal(env.engine, pseudonym="ps_feedfacefeedfacefeedfacefeedface")
    logged_in(client, "analyst")
    for path in ("/api/signals", "/signalen"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "feedface" not in response.text, path
    unknown = client.get("/api/signals", params={"author": "ps_feedface", "pseudonym": "x"})
    assert unknown.status_code == 200  # ignored: there is no such filter
    attack("privacy", "query signals by author/pseudonym parameter", "parameter does not exist")


def _roles_of(route) -> set[str]:
    for dep in route.dependant.dependencies:
        roles = getattr(dep.call, "roles", None)
        if roles:
            return set(roles)
    return set()


@pytest.mark.parametrize("role", ["analyst", "supervisor", "auditor", "admin"])
def test_other_roles_routes_by_url_are_refused(client, env, role):
    sid, pid = make_signal(env.engine)
    token = logged_in(client, role)
    refused = 0
    for path, route in iter_api_routes(client.app):
        allowed = _roles_of(route)
        if not allowed or role in allowed:
            continue
        concrete = (
            path.replace("{signal_id}", str(sid))
            .replace("{post_id}", str(pid))
            .replace("{username}", "analyst")
        )
        concrete = re.sub(r"\{[^}]+\}", "1", concrete)
        for method in route.methods - {"HEAD", "OPTIONS"}:
            response = client.request(
                method, concrete, headers={"X-CSRF-Token": token}, follow_redirects=False
            )
            assert response.status_code == 403, (role, method, path, response.status_code)
            refused += 1
    attack("roles", f"{role} requests every other role's route by URL", f"{refused} refused (403)")
    assert refused > 0


def test_role_escalation_through_form_fields_fails(client, env):
    token = logged_in(client, "analyst")
    # Changing the admin form's fields by hand: the role check is server-side.
    escalate = client.post(
        "/gebruikers/analyst", data={"op": "role", "role": "admin", "csrf_token": token}
    )
    assert escalate.status_code == 403
    api = client.patch(
        "/api/users/analyst", json={"role": "admin"}, headers={"X-CSRF-Token": token}
    )
    assert api.status_code == 403
    # Extra fields that name another actor or role are ignored: the session decides.
    sid, _ = make_signal(env.engine)
    decided = client.post(
        f"/signalen/{sid}/besluit",
        data={
            "to_status": "in_review",
            "version": 1,
            "rationale": "",
            "csrf_token": token,
            "actor": "supervisor",
            "role": "supervisor",
            "actor_role": "supervisor",
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303
    with session_scope(env.engine) as session:
        assert session.scalar(select(User.role).where(User.username == "analyst")) == "analyst"
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("signal.%"))
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.actor == "analyst" and event.actor_role == "analyst"
    client.cookies.clear()
    # A login form with a role field does not choose the role.
    token = csrf_from(client.get("/login").text)
    client.post(
        "/login",
        data={"username": "auditor", "password": PASSWORD, "csrf_token": token, "role": "admin"},
    )
    assert client.get("/api/me").json()["role"] == "auditor"
    assert client.get("/gebruikers", follow_redirects=False).status_code == 403
    attack("roles", "role escalation via form/JSON fields", "refused (403) or ignored")
    # And an admin cannot raise or lower their own role.
    client.cookies.clear()
    token = logged_in(client, "admin")
    own = client.post(
        "/gebruikers/admin", data={"op": "role", "role": "analyst", "csrf_token": token}
    )
    assert own.status_code == 409


HOSTILE = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><iframe src=//evil.example>",
]


def test_html_and_js_in_posts_are_escaped_everywhere(client, env):
    sid, pid = make_signal(
        env.engine,
        title=HOSTILE[0] + " Stadhuisplein",
        text=" ".join(HOSTILE) + " Stadhuisplein verzamelen",
        url="javascript:alert(1)",
    )
    from signals.indexing import index_posts, index_signals
    from signals.search import get_backend

    with session_scope(env.engine) as session:
        backend = get_backend(env.settings)
        index_posts(session, backend, [pid])
        index_signals(session, backend, [sid])
    logged_in(client, "analyst")
    pages = [
        f"/signalen/{sid}",
        "/signalen",
        "/signalen?q=Stadhuisplein",
        "/signalen?q=" + HOSTILE[1],
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.text
        for raw in ("<script>alert", "<img src=x", "<svg/onload", "<iframe", 'href="javascript:'):
            assert raw not in body, (path, raw)
        attack("xss", f"HTML/JS in post text on {path.split('?')[0]}", "escaped")
    detail = client.get(f"/signalen/{sid}").text
    assert "&lt;script&gt;" in detail


@pytest.mark.parametrize(
    "query",
    [
        "NEAR(a b)",
        "title:geheim",
        '"unbalanced',
        "a OR b AND NOT c",
        "*",
        "^start",
        "'; DROP TABLE posts; --",
        "1' OR '1'='1",
        "text:(a OR b)",
        "{!lucene}x",
        "a\x00b",
        "\\",
        "((((((((((",
        "demo* AND title:x~2",
        "x" * 5000,
    ],
)
def test_search_syntax_and_sql_in_the_web_search(client, env, query):
    make_signal(env.engine)
    logged_in(client, "analyst")
    for path in ("/signalen", "/api/signals"):
        response = client.get(path, params={"q": query})
        assert response.status_code in {200, 400, 422}, (path, query, response.status_code)
    with session_scope(env.engine) as session:
        assert session.scalar(select(Post.id)) is not None  # nothing dropped
    attack("injection", f"search string {query[:40]!r}", "no 5xx, no effect on data")


def test_audit_export_cannot_be_steered_to_a_file(client, env):
    logged_in(client, "auditor")
    for trick in ("../../etc/passwd", "..%2f..%2fsecret_key", "/etc/passwd"):
        response = client.get(
            "/audit/export.csv", params={"path": trick, "name": trick, "file": trick}
        )
        assert response.status_code == 200
        assert "root:" not in response.text
        disposition = response.headers.get("content-disposition", "")
        assert ".." not in disposition and "/" not in disposition.split("filename=")[-1]
        secret = env.settings.secret_key_path
        assert not secret.exists() or secret.read_text() not in response.text
    traversal = client.get("/static/../../../etc/passwd")
    assert traversal.status_code == 404 and "root:" not in traversal.text
    traversal = client.get("/static/%2e%2e/%2e%2e/signals/config.py")
    assert traversal.status_code == 404
    attack("paths", "path tricks on the CSV export and static files", "404 / ignored")


def test_escrow_never_reaches_the_ui(client, env):
    sid, pid = make_signal(env.engine, status="escalated")
    with session_scope(env.engine) as session:
        escrow.deposit(
            session, session.get(Post, pid), "@verborgen", key_dir=env.settings.pseudonym_key_dir
        )
        ciphertext = session.get(AuthorEscrow, pid).ciphertext
    logged_in(client, "supervisor")
    for path in (f"/signalen/{sid}", f"/api/signals/{sid}"):
        body = client.get(path).text
        assert "@verborgen" not in body and ciphertext[:20] not in body


def test_brute_force_lockout_holds_across_clients(client, app, env):
    from signals.db.types import utcnow

    frozen = utcnow()
    app.state.login_throttle.clock = lambda: frozen
    tries = app.state.login_throttle.PAIR_FREE + 2
    for _ in range(tries):
        login(client, "supervisor", "wrong-password!")
    client.cookies.clear()
    held = login(client, "supervisor")  # right password, fresh session, same address
    assert held.status_code == 429
    assert client.get("/api/me").status_code == 401
    attack(
        "auth",
        f"{tries} wrong passwords then the right one (backoff per name and address)",
        f"HTTP {held.status_code}, held back",
    )
