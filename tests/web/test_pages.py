"""Search, the register, the audit page and export, the source health page, the API schema."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from signals.db.models import AuditEvent, RegisterEntry, Signal
from signals.db.session import session_scope
from signals.indexing import index_signals
from signals.search import get_backend

from .conftest import login, make_signal, page_csrf


def test_full_text_search_uses_the_index_and_is_audited(client, env):
    hit = make_signal(env.engine, title="Oproep", text="Kom naar de Grote Markt met fakkels")
    other = make_signal(
        env.engine, title="Andere oproep", text="Picknick in het Beatrixpark", key="b"
    )
    with session_scope(env.engine) as session:
        index_signals(session, get_backend(env.settings), [hit, other])
    login(client, "analyst")
    page = client.get("/signalen", params={"q": "fakkels"})
    assert page.status_code == 200
    assert f'href="/signalen/{hit}"' in page.text
    assert f'href="/signalen/{other}"' not in page.text
    api = client.get("/api/signals", params={"q": "picknick"}).json()
    assert [item["id"] for item in api["items"]] == [other]
    with session_scope(env.engine) as session:
        searches = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "search").order_by(AuditEvent.id)
        ).all()
        assert [e.details["query"] for e in searches] == ["fakkels", "picknick"]
        assert all(e.actor == "analyst" and e.purpose for e in searches)


def test_decision_updates_search_index_status(client, env):
    sid = make_signal(env.engine, text="Kom naar de Grote Markt met fakkels")
    backend = get_backend(env.settings)
    with session_scope(env.engine) as session:
        index_signals(session, backend, [sid])
    login(client, "analyst")
    token = page_csrf(client, f"/signalen/{sid}")
    client.post(
        f"/signalen/{sid}/besluit",
        data={"to_status": "in_review", "version": "1", "csrf_token": token},
    )
    result = backend.search("fakkels", kind="signals", filters={"status": "in_review"})
    assert [h.id for h in result.hits] == [sid]


def test_queue_counts_and_status_filter(client, env):
    make_signal(env.engine, title="Nieuw signaal", key="a")
    closed = make_signal(env.engine, title="Gesloten signaal", key="b")
    with session_scope(env.engine) as session:
        session.execute(update(Signal).where(Signal.id == closed).values(status="closed"))
    login(client, "analyst")
    data = client.get("/api/signals").json()
    assert data["counts"]["open"] == 1 and data["counts"]["closed"] == 1
    assert [i["title"] for i in data["items"]] == ["Nieuw signaal"]
    closed_page = client.get("/signalen", params={"status": "closed"}).text
    assert "Gesloten signaal" in closed_page and "Nieuw signaal" not in closed_page


def _wom_form(token: str, place: str, end: str, **fields: str) -> dict[str, str]:
    """The register form for entry WOM-2026-001, from 28 November 13:00 until `end`."""
    return {"reference": "WOM-2026-001", "place": place, "start": "2026-11-28T13:00", "end": end,
            "csrf_token": token, **fields}


def test_register_create_edit_import_and_link(client, env):
    login(client, "supervisor")
    token = page_csrf(client, "/register")
    created = client.post(
        "/register",
        data=_wom_form(token, "Stadhuisplein", "2026-11-28T17:00", status="aangemeld"),
    )
    assert created.status_code == 200 and "WOM-2026-001" in created.text
    with session_scope(env.engine) as session:
        entry = session.scalar(select(RegisterEntry))
        entry_id, version = entry.id, entry.version
    edit = client.post(
        f"/register/{entry_id}",
        data=_wom_form(token, "Stadhuisplein", "2026-11-28T18:00", status="aangemeld",
                       version=str(version)),
    )
    assert edit.status_code == 200 and "bijgewerkt" in edit.text
    stale = client.post(
        f"/register/{entry_id}",
        data=_wom_form(token, "Esplanade", "2026-11-28T18:00", version=str(version)),
    )
    assert stale.status_code == 409 and "gewijzigd" in stale.text
    upload = (
        "reference,organiser_ref,place,start,end,status,description\n"
        "WOM-2026-002,ORG-7,Esplanade,2026-12-01 14:00,2026-12-01 16:00,aangemeld,demo\n"
    )
    imported = client.post(
        "/register/import",
        data={"csrf_token": token},
        files={"file": ("r.csv", upload.encode(), "text/csv")},
    )
    assert imported.status_code == 200 and "1 nieuw" in imported.text
    broken = client.post(
        "/register/import",
        data={"csrf_token": token},
        files={"file": ("r.csv", b"reference,place\nX,Y\n", "text/csv")},
    )
    assert broken.status_code == 422 and "ontbrekende kolommen" in broken.text
    with session_scope(env.engine) as session:
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.startswith("register."))
            .where(AuditEvent.action.not_in(("register.list", "register.view")))  # reads
            .order_by(AuditEvent.id)
        ).all()
        assert actions == ["register.create", "register.update", "register.import"]
    # An analyst sees the entry a signal links to but cannot edit the register.
    sid = make_signal(env.engine, notification="aangemeld")
    with session_scope(env.engine) as session:
        session.execute(update(Signal).where(Signal.id == sid).values(register_entry_id=entry_id))
    client.cookies.clear()
    login(client, "analyst")
    page = client.get(f"/signalen/{sid}").text
    assert f'href="/register/{entry_id}"' in page and "aangemeld" in page
    assert client.get(f"/register/{entry_id}").status_code == 200
    # The register is read-only for analysts: the list too, without the edit forms.
    listing = client.get("/register")
    assert listing.status_code == 200 and 'action="/register/import"' not in listing.text


def test_audit_page_filters_export_and_verify(client, env):
    sid = make_signal(env.engine)
    login(client, "analyst")
    client.get(f"/signalen/{sid}")
    client.cookies.clear()
    login(client, "auditor")
    page = client.get(
        "/audit", params={"actor": "analyst", "action": "signal.view", "signal_id": str(sid)}
    )
    assert page.status_code == 200
    assert "<td>signaal bekijken</td>" in page.text and "<td>signal.view</td>" not in page.text
    api = client.get("/api/audit", params={"actor": "analyst", "signal_id": sid}).json()
    assert [e["action"] for e in api["items"]] == ["signal.view"]
    today = datetime.now(UTC).date()
    none_yet = client.get(
        "/api/audit", params={"date_from": (today + timedelta(days=2)).isoformat()}
    ).json()
    assert none_yet["total"] == 0
    export = client.get("/audit/export.csv", params={"action": "signal.view"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [r["action"] for r in rows] == ["signal.view"] and rows[0]["target_id"] == str(sid)
    assert "in orde" in client.get("/audit", params={"verify": "1"}).text
    with session_scope(env.engine) as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.export"))
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.action == "signal.view")
            .values(purpose="iets anders")
        )
    broken = client.get("/audit", params={"verify": "1"}).text
    assert "verbroken bij regel" in broken
    assert client.get("/api/audit/verify").json()["ok"] is False


def test_csv_export_neutralises_formulas(client, env):
    login(client, "analyst", "fout-wachtwoord")  # a failed login named "analyst"
    client.get("/login")
    from .conftest import csrf_from

    token = csrf_from(client.get("/login").text)
    client.post("/login", data={"username": "=HYPERLINK(1)", "password": "x", "csrf_token": token})
    login(client, "auditor")
    export = client.get("/audit/export.csv", params={"action": "login.failure"})
    actors = [r["actor"] for r in csv.DictReader(io.StringIO(export.text))]
    assert "'=HYPERLINK(1)" in actors and "=HYPERLINK(1)" not in actors


def test_source_health_page_for_admins_only(client, env):
    login(client, "admin")
    page = client.get("/bronnen")
    assert page.status_code == 200 and "Gezondheid van de bronnen" in page.text
    assert client.get("/api/health/sources").json() == []
    client.cookies.clear()
    login(client, "analyst")
    assert client.get("/bronnen").status_code == 403


def test_openapi_documents_the_api(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/signals",
        "/api/signals/{signal_id}",
        "/api/signals/{signal_id}/decisions",
        "/api/posts/{post_id}/labels",
        "/api/audit",
        "/api/users",
    ):
        assert path in paths
    decision = paths["/api/signals/{signal_id}/decisions"]["post"]
    assert {"201", "401", "403", "404", "409"} <= set(decision["responses"])
    assert not any(p.startswith("/signalen") for p in paths)  # HTML pages stay out
