"""Issue 13: analysts read the register (list and entries) to judge "aangemeld"; they see no
forms, no CSV import and no edit buttons, every write is refused with 403, and their reads are
audited. The route table is checked as a whole, so a new register route cannot slip through."""

from __future__ import annotations

from sqlalchemy import select

from signals.db.models import AuditEvent, RegisterEntry
from signals.db.session import session_scope
from signals.web.app import iter_api_routes
from tests.factories import make_register_entry

from .conftest import login, page_csrf

WRITE = {"POST", "PUT", "PATCH", "DELETE"}


def _roles(route) -> set[str]:
    found: set[str] = set()
    for dep in route.dependant.dependencies:
        found |= set(getattr(dep.call, "roles", ()) or ())
    return found


def _entry(env) -> int:
    with session_scope(env.engine) as session:
        return make_register_entry(session, "WOM-1", place="Stadhuisplein").id


def test_route_table_register_reads_for_analysts_writes_for_supervisors(app):
    seen = {"read": 0, "write": 0}
    for path, route in iter_api_routes(app):
        if not (path.startswith("/register") or path.startswith("/api/register")):
            continue
        roles = _roles(route)
        if route.methods & WRITE:
            assert roles == {"supervisor"}, (path, route.methods, roles)
            seen["write"] += 1
        else:
            assert {"analyst", "supervisor"} <= roles, (path, roles)
            assert not roles & {"auditor", "admin", "partner"}, (path, roles)
            seen["read"] += 1
    assert seen["read"] >= 3 and seen["write"] >= 3


def test_analyst_reads_without_forms_and_writes_are_refused(client, env):
    entry_id = _entry(env)
    login(client, "analyst")
    listing = client.get("/register")
    assert listing.status_code == 200 and "WOM-1" in listing.text
    assert "<form" not in listing.text.split("<main>", 1)[1].split("</main>", 1)[0]
    entry = client.get(f"/register/{entry_id}")
    assert entry.status_code == 200 and "Stadhuisplein" in entry.text
    main = entry.text.split("<main>", 1)[1].split("</main>", 1)[0]
    assert "<form" not in main and "Opslaan" not in main and "Wijzigen" not in main
    token = page_csrf(client, "/register")
    form = {
        "reference": "X",
        "place": "Y",
        "start": "2026-12-12T12:00",
        "end": "2026-12-12T14:00",
        "csrf_token": token,
    }
    assert client.post("/register", data=form).status_code == 403
    assert client.post(f"/register/{entry_id}", data={**form, "version": "1"}).status_code == 403
    imported = client.post(
        "/register/import",
        data={"csrf_token": token},
        files={"file": ("r.csv", b"reference,place,start,end\n", "text/csv")},
    )
    assert imported.status_code == 403
    with session_scope(env.engine) as session:
        assert session.scalar(select(RegisterEntry).where(RegisterEntry.reference == "X")) is None
        reads = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.actor == "analyst", AuditEvent.action.startswith("register."))
            .order_by(AuditEvent.id)
        ).all()
    # Reads audited as reads; the refused writes changed nothing and recorded no register act.
    assert reads[:2] == ["register.list", "register.view"]
    assert set(reads) <= {"register.list", "register.view"}


def test_supervisor_still_sees_the_forms(client, env):
    login(client, "supervisor")
    page = client.get("/register").text
    assert 'action="/register/import"' in page and 'action="/register"' in page
