"""The web layer stays thin: one router list, one unit of work per request, one mapping of
domain errors, no imports between view modules, and audit records that outlive a refusal."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from fastapi.routing import APIRouter
from sqlalchemy import func, select

from signals.db.models import AuditEvent, Decision
from signals.db.session import session_factory, session_scope
from signals.db.unit_of_work import abort, after_commit, finish, keep
from signals.errors import DomainError
from signals.services import signals as signal_service
from signals.web import app as web_app
from signals.web import routers, views
from signals.web.app import ROUTERS, iter_api_routes
from signals.web.uow import unit_of_work
from tests.webapp import api_headers, post_api_decision, post_decision_form

from .conftest import login, make_signal, page_csrf

WEB = Path(web_app.__file__).resolve().parent
VIEW_FILES = sorted((WEB / "views").glob("*.py"))
HANDLER_FILES = VIEW_FILES + sorted((WEB / "routers").glob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x / from .x import y
                base = "signals.web.views" + (f".{node.module}" if node.module else "")
                found |= {f"{base}.{alias.name}" for alias in node.names} | {base}
            elif node.module:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: p.name)
def test_no_view_module_imports_another(path):
    others = {f"signals.web.views.{p.stem}" for p in VIEW_FILES if p != path}
    assert not (_imported_modules(path) & others), f"{path.name} imports another view module"


def test_the_import_check_sees_view_imports(tmp_path):
    # The check above must fail for the pattern it forbids.
    bad = tmp_path / "bad.py"
    bad.write_text("from signals.web.views.signal import load_detail\nfrom . import audit\n")
    assert {"signals.web.views.signal", "signals.web.views.audit"} <= _imported_modules(bad)


@pytest.mark.parametrize("path", HANDLER_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_and_routers_never_commit_or_roll_back(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.(commit|rollback)\(", text), f"{path.name}: the unit of work commits"


def test_every_router_module_is_in_the_one_router_list():
    listed = {id(router) for router in ROUTERS}
    for package in (views, routers):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            router = getattr(module, "router", None)
            if isinstance(router, APIRouter):
                assert id(router) in listed, f"{module.__name__}.router is not in app.ROUTERS"
    assert len(listed) == len(ROUTERS), "a router is listed twice"


def test_every_route_runs_in_the_unit_of_work(app):
    # FastAPI keeps included routers nested; their include context carries the dependency.
    included = [r for r in app.routes if getattr(r, "original_router", None) is not None]
    assert {id(r.original_router) for r in included} == {id(router) for router in ROUTERS}
    for route in included:
        first = [dep.dependency for dep in route.include_context.dependencies][:1]
        assert first == [unit_of_work], route.original_router
        assert route.include_context.dependencies[0].scope == "function"
    assert len(list(iter_api_routes(app))) > 50


# ---- one error mapping ----------------------------------------------------------------------


class _Busy(DomainError):
    status_code = 409


def _refuse_after_writing(session, actor, signal_id, *, channel):
    # A service that changed something, then refused: the change must not be stored.
    from signals.audit import record

    record(session, actor=actor.username, action="test.half_done", target_type="signal")
    raise _Busy("Iemand anders werkt nu aan dit signaal; probeer het zo opnieuw.")


def _count(engine, action: str) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def test_a_domain_error_is_json_under_api_and_a_dutch_page_elsewhere(client, env, monkeypatch):
    sid = make_signal(env.engine)
    login(client, "analyst")
    monkeypatch.setattr(signal_service, "view_signal", _refuse_after_writing)

    api = client.get(f"/api/signals/{sid}")
    assert api.status_code == 409
    assert api.headers["content-type"].startswith("application/json")
    message = "Iemand anders werkt nu aan dit signaal; probeer het zo opnieuw."
    assert api.json() == {"detail": message}

    page = client.get(f"/signalen/{sid}")
    assert page.status_code == 409
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text
    assert '<nav' in page.text  # the app's own error page, not a bare text answer

    # Both attempts were rolled back: the half-done change is not in the database.
    assert _count(env.engine, "test.half_done") == 0


def test_a_real_not_found_from_a_service_maps_the_same_way(client, env):
    login(client, "analyst")
    api = client.get("/api/signals/424242")
    assert api.status_code == 404 and api.json() == {"detail": "Signaal 424242 bestaat niet."}
    page = client.get("/signalen/424242")
    assert page.status_code == 404 and "Signaal 424242 bestaat niet." in page.text


# ---- a refusal is audited, the refused act is not stored --------------------------------------


def test_a_stale_api_decision_is_refused_rolled_back_and_its_refusal_kept(client, env):
    sid = make_signal(env.engine)
    headers = api_headers(client, "analyst")
    first = post_api_decision(client, sid, headers, to_status="in_review", version=1)
    assert first.status_code == 201, first.text
    stale = post_api_decision(
        client, sid, headers, to_status="dismissed", version=1, rationale="x", reason_code="other"
    )
    assert stale.status_code == 409
    assert "gewijzigd" in stale.json()["detail"]
    with session_scope(env.engine) as session:
        decisions = session.scalars(select(Decision).where(Decision.signal_id == sid)).all()
        assert [d.to_status for d in decisions] == ["in_review"]
        refused = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "signal.decide.refused")
        ).all()
        assert len(refused) == 1
        assert refused[0].details["stale"] is True and refused[0].target_id == str(sid)


def test_a_stale_form_decision_shows_the_form_again_and_keeps_the_refusal(client, env):
    sid = make_signal(env.engine)
    login(client, "analyst")
    token = page_csrf(client, f"/signalen/{sid}")
    post_decision_form(client, sid, token, "in_review", 1)
    stale = post_decision_form(client, sid, token, "in_review", 1)
    assert stale.status_code == 409 and "gewijzigd" in stale.text
    assert _count(env.engine, "signal.decide.refused") == 1
    assert _count(env.engine, "signal.decide") >= 1


# ---- the unit of work itself -----------------------------------------------------------------


def _record(action: str):
    from signals.audit import record

    return lambda session: record(session, actor="t", action=action)


def test_kept_writes_land_on_abort_and_after_commit_work_is_dropped(env):
    session = session_factory(env.engine)()
    ran: list[str] = []
    try:
        _record("uow.act")(session)
        keep(session, _record("uow.refusal"))
        after_commit(session, lambda s: ran.append("after"))
        abort(session)
    finally:
        session.close()
    assert _count(env.engine, "uow.act") == 0
    assert _count(env.engine, "uow.refusal") == 1
    assert ran == []


def test_after_commit_work_runs_once_committed_and_its_failure_is_not_the_acts(env):
    session = session_factory(env.engine)()
    seen: list[int] = []

    def look(own):  # runs after the commit: the act is visible from another session
        seen.append(_count(env.engine, "uow.done"))

    def broken(own):
        raise RuntimeError("index down")

    try:
        _record("uow.done")(session)
        after_commit(session, broken)
        after_commit(session, look)
        finish(session)
    finally:
        session.close()
    assert seen == [1]
    assert _count(env.engine, "uow.done") == 1


# ---- one audited search for the web and the CLI --------------------------------------------------


def test_cli_and_web_searches_leave_the_same_audit_record(client, env):
    from typer.testing import CliRunner

    from signals.cli import app as cli
    from signals.indexing import index_signals
    from signals.search import get_backend

    sid = make_signal(env.engine, text="Kom naar de Grote Markt met fakkels")
    with session_scope(env.engine) as session:
        index_signals(session, get_backend(env.settings), [sid])
    login(client, "analyst")
    assert client.get("/signalen", params={"q": "fakkels"}).status_code == 200
    result = CliRunner().invoke(cli, ["search", "fakkels"])
    assert result.exit_code == 0, result.output
    assert "1 hits" in result.output
    with session_scope(env.engine) as session:
        web, cli = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "search").order_by(AuditEvent.id)
        ).all()
        assert set(web.details) == set(cli.details) == {
            "query", "kind", "filters", "total", "channel"
        }
        assert (web.details["channel"], cli.details["channel"]) == ("web", "cli")
        assert web.details["total"] == cli.details["total"] == 1
        assert web.purpose == cli.purpose and web.target_type == cli.target_type == "signal"
