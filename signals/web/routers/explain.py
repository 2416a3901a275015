"""Explanations served by the app: how severity is computed (/uitleg/ernst) and what the model
is and how analysts judge it (/uitleg/model). Every staff role may read them; the pages hold no
case data, yet each visit is audited like every other read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from signals.services import explain
from signals.web.deps import AnyUser, DbSession, render
from signals.web.read_audit import audited

router = APIRouter(include_in_schema=False)


@router.get(
    explain.SEVERITY_URL,
    dependencies=[audited("explanation.view", target_type="explanation", purpose="uitleg")],
)
def severity_page(request: Request, _user: AnyUser) -> Response:
    context = {
        "components": explain.severity_components(),
        "bands": explain.severity_bands(),
        "doc": explain.document(explain.SEVERITY_DOC),
    }
    return render(request, "uitleg/ernst.html", context)


@router.get(
    explain.MODEL_URL,
    dependencies=[audited("explanation.view", target_type="explanation", purpose="uitleg")],
)
def model_page(request: Request, _user: AnyUser, session: DbSession) -> Response:
    page = explain.model_page(session, request.app.state.settings.model_dir)
    return render(request, "uitleg/model.html", {"page": page})
