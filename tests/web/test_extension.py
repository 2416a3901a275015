"""Other areas extend the app with a router module in signals/web/routers/, listed once in
`signals.web.app.ROUTERS`, and templates in a subfolder of their own."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from signals.web import app as web_app
from signals.web.app import create_app, iter_api_routes
from signals.web.deps import ANY_ROLE, CurrentUser, render

from .conftest import login

extension = APIRouter()


@extension.get("/uitbreiding", include_in_schema=False)
def page(request: Request, user: CurrentUser = Depends(ANY_ROLE)):
    return render(request, "uitbreiding/index.html", {"naam": user.username})


def test_a_listed_router_and_its_template_subfolder_are_served(env, tmp_path, monkeypatch):
    monkeypatch.setattr(web_app, "ROUTERS", (*web_app.ROUTERS, extension))
    from signals.web.deps import templates

    loader_dir = tmp_path / "templates"
    (loader_dir / "uitbreiding").mkdir(parents=True)
    (loader_dir / "uitbreiding" / "index.html").write_text(
        '{% extends "base.html" %}{% block content %}Hallo {{ naam }}{% endblock %}'
    )
    monkeypatch.setattr(
        templates.env.loader, "searchpath", [*templates.env.loader.searchpath, str(loader_dir)]
    )
    app = create_app(env.settings)
    assert "/uitbreiding" in {path for path, _ in iter_api_routes(app)}
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        assert client.get("/uitbreiding", follow_redirects=False).status_code == 303
        login(client, "auditor")
        page = client.get("/uitbreiding")
        assert page.status_code == 200 and "Hallo auditor" in page.text
        assert page.headers["x-frame-options"] == "DENY"
