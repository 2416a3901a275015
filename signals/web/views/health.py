"""The admins' source health page (numbers per source; no content)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.responses import Response

from signals.health import source_health
from signals.web.deps import AdminUser, DbSession, render
from signals.web.read_audit import audited

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


@router.get("/bronnen", dependencies=[audited("source.health", purpose="beheer")])
def sources_page(request: Request, _user: AdminUser, session: DbSession) -> Response:
    try:
        rows = source_health(session)
    except Exception:
        log.exception("source health unavailable")
        return render(
            request, "health.html", {"rows": [], "error": "Brongegevens niet beschikbaar."}, 503
        )
    return render(request, "health.html", {"rows": rows})
