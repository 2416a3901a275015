"""The auditors' page: query the audit log, export it as CSV, and verify the hash chain.

Querying and exporting the log are themselves audited."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from signals import audit_checkpoints as checkpoints
from signals.audit_names import action_name, describe, role_name, target_name
from signals.services import audit_log
from signals.web.deps import AuditorUser, DbSession, render
from signals.web.read_audit import audited_by_handler

router = APIRouter(include_in_schema=False)


def _filter_params(
    actor: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    signal_id: str | None = Query(None, max_length=20),
    date_from: str | None = Query(None, max_length=10),
    date_to: str | None = Query(None, max_length=10),
    page: int = Query(1, ge=1, le=100000),
) -> audit_log.AuditFilters:
    return audit_log.AuditFilters.parse(actor, action, signal_id, date_from, date_to, page)


@router.get("/audit", dependencies=[audited_by_handler("audit.query")])
def audit_page(
    request: Request, user: AuditorUser, session: DbSession,
    f: audit_log.AuditFilters = Depends(_filter_params),
    verify_chain: bool = Query(False, alias="verify"),
) -> Response:
    found = audit_log.visit_log(session, user, f, verify_chain=verify_chain, channel="web")
    latest_checkpoint = checkpoints.latest(request.app.state.settings)
    params = f.as_dict()
    return render(
        request,
        "audit.html",
        {
            "f": f,
            "items": found.items,
            "total": found.total,
            "pages": found.pages,
            "verified": found.verified,
            "visit_id": found.visit_id,
            "checkpoint": latest_checkpoint,
            "actions": sorted(((a, action_name(a)) for a in found.actions), key=lambda p: p[1]),
            "log_size": found.log_size,
            "filtered": bool(f.as_dict()),
            "action_name": action_name,
            "target_name": target_name,
            "role_name": role_name,
            "describe": describe,
            "export_url": "/audit/export.csv?" + urlencode(params),
            "verify_url": "/audit?" + urlencode({**params, "verify": "1"}),
            "page_url": lambda n: "/audit?" + urlencode({**params, "page": n}),
            "role_changes": found.role_changes,
        },
    )


@router.get("/audit/export.csv", dependencies=[audited_by_handler("audit.export")])
def audit_export(
    user: AuditorUser, session: DbSession, f: audit_log.AuditFilters = Depends(_filter_params)
) -> Response:
    content = audit_log.export_csv(session, user, f)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="auditlog.csv"'},
    )
