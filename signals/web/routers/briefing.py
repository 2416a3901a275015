"""The weekly briefing page for supervisors: choose a week, make the briefing, download its PDF,
and read what changed in the protocol. Thin routes over signals.services.briefing; the unit of
work (signals.web.uow) commits."""

from __future__ import annotations

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.services import briefing as service
from signals.web.deps import SUPERVISORS, CurrentUser, DbSession, SupervisorUser, guarded
from signals.web.read_audit import audited, audited_by_handler
from signals.web.rendering import redirect, render_page
from signals.web.uow import form_refusal

router = APIRouter(include_in_schema=False)

WEEK_PATTERN = r"^\d{4}-W\d{2}$"


def _page(request: Request, session: Session, user: CurrentUser, week: str | None,
          error: str | None = None, status: int = 200) -> Response:
    page = service.briefing_page(session, user, request.app.state.settings, week)
    return render_page(request, "briefing/index.html", {"page": page}, error=error, status=status)


@router.get(
    "/briefing",
    dependencies=[audited("briefing.view", target_type="briefing", purpose=service.PURPOSE)],
)
def briefing_page(
    request: Request, user: SupervisorUser, session: DbSession,
    week: str | None = Query(None, max_length=10),
) -> Response:
    return _page(request, session, user, week)


@router.post("/briefing", dependencies=guarded(SUPERVISORS))
def make_briefing(
    request: Request, user: SupervisorUser, session: DbSession, week: str = Form(..., max_length=10)
) -> Response:
    with form_refusal(session) as refused:
        files = service.generate(session, user, request.app.state.settings, week)
    if refused:
        return _page(request, session, user, None, refused.message, refused.status_code)
    return redirect(request, f"/briefing?week={files.week}", flash=service.made_message(files))


@router.get("/briefing/{week}/pdf", dependencies=[audited_by_handler("briefing.download")])
def download_briefing(
    request: Request, user: SupervisorUser, session: DbSession,
    week: str = PathParam(..., pattern=WEEK_PATTERN),
) -> Response:
    path = service.download(session, user, request.app.state.settings, week)
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=f"weekbriefing-{week}.pdf",
        headers={"Cache-Control": "no-store"},
    )
