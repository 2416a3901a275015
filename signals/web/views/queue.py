"""The analysts' queue: open signals by severity and event time, filters and full-text search."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.audit import record
from signals.db.models import STATUSES
from signals.web.deps import CONTENT_ROLES, TYPE_LABELS, CurrentUser, get_session, render
from signals.web.queries import DISTRICTS, QueueFilters, QueuePage, get_backend_or_none, queue
from signals.web.read_audit import audited_by_handler

router = APIRouter(include_in_schema=False)


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def build_filters(
    status: str | None,
    type: str | None,
    district: str | None,
    date_from: str | None,
    date_to: str | None,
    q: str | None,
    page: int,
) -> QueueFilters:
    status = status if status in (*STATUSES, "open", "all") else "open"
    return QueueFilters(
        status=status,
        type=type if type in TYPE_LABELS else None,
        district=district if district in DISTRICTS else None,
        date_from=parse_date(date_from),
        date_to=parse_date(date_to),
        q=(q or "").strip()[:200] or None,
        page=max(1, page),
    )


def run_queue(request: Request, session: Session, user: CurrentUser, f: QueueFilters) -> QueuePage:
    backend = get_backend_or_none(request.app.state.settings) if f.q else None
    result = queue(session, f, backend)
    # Every look at the queue is audited: a search with its terms, a plain list with its
    # filters and the ids shown (ids and counts, never content).
    shown = [item.id for item in result.items]
    if f.q:
        action, purpose = "search", "triage: zoeken in signalen"
        details = {"query": f.q, "filters": f.as_dict(), "total": result.total}
    else:
        action, purpose = "signal.list", "triage: signalenlijst"
        details = {"filters": f.as_dict(), "total": result.total, "signal_ids": shown}
    record(
        session,
        actor=user.username,
        actor_role=user.role,
        action=action,
        target_type="signal",
        purpose=purpose,
        details=details,
    )
    session.commit()
    return result


@router.get("/signalen", dependencies=[audited_by_handler("signal.list")])  # "search" with q
def queue_page(
    request: Request,
    status: str | None = Query(None, max_length=16),
    type: str | None = Query(None, max_length=32),
    district: str | None = Query(None, max_length=64),
    date_from: str | None = Query(None, max_length=10),
    date_to: str | None = Query(None, max_length=10),
    q: str | None = Query(None, max_length=200),
    page: int = Query(1, ge=1, le=100000),
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> Response:
    f = build_filters(status, type, district, date_from, date_to, q, page)
    result = run_queue(request, session, user, f)
    params = {k: v for k, v in f.as_dict().items() if v}

    def page_url(n: int) -> str:
        return "/signalen?" + urlencode({**params, "page": n})

    return render(
        request,
        "queue.html",
        {
            "f": f,
            "result": result,
            "districts": DISTRICTS,
            "statuses": STATUSES,
            "page_url": page_url,
            "status_url": lambda s: "/signalen?" + urlencode({**params, "status": s}),
        },
    )
