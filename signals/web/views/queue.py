"""The analysts' queue: open signals by severity and event time, filters and full-text search."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from signals.db.models import STATUSES
from signals.queries import DISTRICTS, SORTS, QueueFilters
from signals.services import queue as queue_service
from signals.services.queue_export import export_queue
from signals.web.deps import ContentUser, DbSession, render
from signals.web.read_audit import audited_by_handler
from signals.web.rendering import FLASH_ERROR, take_flash

router = APIRouter(include_in_schema=False)


@dataclass
class _QueueQuery:
    """The queue's filters as query parameters, shared by the page and its CSV export."""

    status: str | None = Query(None, max_length=16)
    type: str | None = Query(None, max_length=32)
    district: str | None = Query(None, max_length=64)
    date_from: str | None = Query(None, max_length=10)
    date_to: str | None = Query(None, max_length=10)
    q: str | None = Query(None, max_length=200)
    sort: str | None = Query(None, max_length=64)
    order: str | None = Query(None, max_length=64)
    mine: str | None = Query(None, max_length=8)
    upcoming: str | None = Query(None, max_length=8)

    def filters(self, page: int, username: str) -> QueueFilters:
        return queue_service.build_filters(
            self.status, self.type, self.district, self.date_from, self.date_to, self.q, page,
            sort=self.sort, order=self.order, mine=self.mine, upcoming=self.upcoming,
            username=username,
        )


@router.get("/signalen", dependencies=[audited_by_handler("signal.list")])  # "search" with q
def queue_page(
    request: Request, user: ContentUser, session: DbSession,
    query: _QueueQuery = Depends(),
    page: int = Query(1, ge=1, le=100000),
) -> Response:
    f = query.filters(page, user.username)
    result = queue_service.list_queue(
        session, user, request.app.state.settings, f, channel="web"
    )
    params = {k: v for k, v in f.as_dict().items() if v}

    def page_url(n: int) -> str:
        return "/signalen?" + urlencode({**params, "page": n})

    def sort_url(key: str) -> str:
        # A second click on the sorted column turns the direction around.
        flip = {"asc": "desc", "desc": "asc"}[f.order] if f.sort == key else SORTS[key]
        return "/signalen?" + urlencode({**params, "sort": key, "order": flip})

    return render(
        request,
        "queue.html",
        {
            "f": f,
            "result": result,
            "districts": DISTRICTS,
            "statuses": STATUSES,
            "page_url": page_url,
            "sort_url": sort_url,
            "here": "/signalen?" + urlencode({**params, "page": result.page}),
            "export_url": "/signalen.csv?" + urlencode(params),
            "flash": take_flash(request),
            "flash_error": take_flash(request, FLASH_ERROR),
            "status_url": lambda s: "/signalen?" + urlencode({**params, "status": s}),
        },
    )


@router.get("/signalen.csv", dependencies=[audited_by_handler("signal.export")])
def queue_export(
    request: Request, user: ContentUser, session: DbSession, query: _QueueQuery = Depends()
) -> Response:
    f = query.filters(1, user.username)
    export = export_queue(session, user, request.app.state.settings, f)
    return Response(
        export.content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
