"""Other areas extend the app by dropping a router module into signals/web/routers/."""

from __future__ import annotations

import sys

from signals.web import routers
from signals.web.app import create_app, iter_api_routes

from .conftest import login

MODULE = """
from fastapi import APIRouter, Depends, Request
from signals.web.deps import ANY_ROLE, CurrentUser, render

router = APIRouter()


@router.get("/uitbreiding", include_in_schema=False)
def page(request: Request, user: CurrentUser = Depends(ANY_ROLE)):
    return render(request, "uitbreiding/index.html", {"naam": user.username})
"""


def test_router_module_and_template_subfolder_are_picked_up(env, tmp_path, monkeypatch):
    extra = tmp_path / "extra_routers"
    extra.mkdir()
    (extra / "zz_uitbreiding.py").write_text(MODULE)
    monkeypatch.setattr(routers, "__path__", [*routers.__path__, str(extra)])
    monkeypatch.delitem(sys.modules, "signals.web.routers.zz_uitbreiding", raising=False)
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
