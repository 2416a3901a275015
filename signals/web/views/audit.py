"""The auditors' page: query the audit log, export it as CSV, and verify the hash chain.

Querying and exporting the log are themselves audited."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals import audit_checkpoints as checkpoints
from signals.audit import VerifyResult, record, verify
from signals.db.models import AuditEvent
from signals.web.deps import AUDITORS, CurrentUser, get_session, render
from signals.web.queries import local_day_start
from signals.web.read_audit import audited_by_handler

router = APIRouter(include_in_schema=False)

AUDIT_PAGE_SIZE = 100
EXPORT_LIMIT = 100_000
AUTO_VERIFY_MAX = 20_000


@dataclass(slots=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None
    signal_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    @classmethod
    def parse(
        cls,
        actor: str | None,
        action: str | None,
        signal_id: int | str | None,
        date_from: str | None,
        date_to: str | None,
        page: int = 1,
    ) -> AuditFilters:
        def as_date(value: str | None) -> date | None:
            try:
                return date.fromisoformat(value) if value else None
            except ValueError:
                return None

        sid: int | None = None
        if isinstance(signal_id, int):
            sid = signal_id
        elif isinstance(signal_id, str) and signal_id.strip().isdigit():
            sid = int(signal_id.strip())
        return cls(
            actor=(actor or "").strip() or None,
            action=(action or "").strip() or None,
            signal_id=sid,
            date_from=as_date(date_from),
            date_to=as_date(date_to),
            page=max(1, page),
        )

    def as_dict(self) -> dict[str, str]:
        out = {
            "actor": self.actor,
            "action": self.action,
            "signal_id": str(self.signal_id) if self.signal_id else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in out.items() if v}


def _filtered(stmt, f: AuditFilters):  # type: ignore[no-untyped-def]
    if f.actor:
        stmt = stmt.where(AuditEvent.actor == f.actor)
    if f.action:
        # A prefix selects a family ("signal." finds views and decisions).
        stmt = stmt.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.signal_id:
        stmt = stmt.where(
            AuditEvent.target_type == "signal", AuditEvent.target_id == str(f.signal_id)
        )
    if f.date_from:
        stmt = stmt.where(AuditEvent.ts >= local_day_start(f.date_from))
    if f.date_to:
        stmt = stmt.where(AuditEvent.ts < local_day_start(f.date_to + timedelta(days=1)))
    return stmt


def audit_query(
    session: Session, f: AuditFilters, page_size: int = AUDIT_PAGE_SIZE
) -> tuple[list[AuditEvent], int, int]:
    total = session.scalar(_filtered(select(func.count(AuditEvent.id)), f)) or 0
    pages = max(1, -(-total // page_size))
    f.page = min(f.page, pages)
    rows = session.scalars(
        _filtered(select(AuditEvent), f)
        .order_by(AuditEvent.id.desc())
        .limit(page_size)
        .offset((f.page - 1) * page_size)
    ).all()
    return list(rows), total, pages


def record_audit_query(
    session: Session, user: CurrentUser, f: AuditFilters, channel: str, *, verify: bool = False
) -> AuditEvent:
    """One row per visit; `verify` says that the visit also checked the chain."""
    return record(
        session,
        actor=user.username,
        actor_role=user.role,
        action="audit.query",
        target_type="audit",
        purpose="toezicht op gebruik",
        details={"filters": f.as_dict(), "channel": channel, "verify": verify},
    )


def run_verify(session: Session, user: CurrentUser) -> VerifyResult:
    """Record the check first, then verify: the result covers its own row too, so the count
    shown is the whole chain including this request (the outcome can be re-run at any time)."""
    record(
        session,
        actor=user.username,
        actor_role=user.role,
        action="audit.verify",
        target_type="audit",
        purpose="controle integriteit auditlog",
    )
    session.commit()  # before the walk: never hold the chain's write lock while verifying
    return verify(session)


def _cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a login name like "=HYPERLINK(...)" is user input."""
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _filter_params(
    actor: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    signal_id: str | None = Query(None, max_length=20),
    date_from: str | None = Query(None, max_length=10),
    date_to: str | None = Query(None, max_length=10),
    page: int = Query(1, ge=1, le=100000),
) -> AuditFilters:
    return AuditFilters.parse(actor, action, signal_id, date_from, date_to, page)


@router.get("/audit", dependencies=[audited_by_handler("audit.query")])
def audit_page(
    request: Request,
    f: AuditFilters = Depends(_filter_params),
    verify_chain: bool = Query(False, alias="verify"),
    user: CurrentUser = Depends(AUDITORS),
    session: Session = Depends(get_session),
) -> Response:
    # The chain is checked on every visit while the log is small enough to walk quickly;
    # beyond that the auditor asks for it explicitly. One visit is one audit row, written
    # first, so the list, its total and the verified count all include this visit.
    log_size = session.scalar(select(func.count(AuditEvent.id))) or 0
    check = verify_chain or log_size < AUTO_VERIFY_MAX
    visit = record_audit_query(session, user, f, "web", verify=check)
    session.commit()  # before the walk: never hold the chain's write lock while verifying
    verified = verify(session) if check else None
    items, total, pages = audit_query(session, f)
    latest_checkpoint = checkpoints.latest(request.app.state.settings)
    params = f.as_dict()
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render(
        request,
        "audit.html",
        {
            "f": f,
            "items": items,
            "total": total,
            "pages": pages,
            "verified": verified,
            "visit_id": visit.id,
            "checkpoint": latest_checkpoint,
            "actions": list(actions),
            "export_url": "/audit/export.csv?" + urlencode(params),
            "verify_url": "/audit?" + urlencode({**params, "verify": "1"}),
            "page_url": lambda n: "/audit?" + urlencode({**params, "page": n}),
            "fmt_details": lambda d: json.dumps(d or {}, ensure_ascii=False, sort_keys=True),
            "role_changes": role_changes(session),
        },
    )


ROLE_CHANGE_ACTIONS = (
    "user.create",
    "user.role",
    "user.role_grant.request",
    "user.role_grant.approve",
    "user.role_grant.reject",
)


def role_changes(session: Session, limit: int = 25) -> list[AuditEvent]:
    """The latest account creations and role changes, shown apart from the filtered log so a
    rogue admin's new supervisor cannot scroll out of sight."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(ROLE_CHANGE_ACTIONS))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )


@router.get("/audit/export.csv", dependencies=[audited_by_handler("audit.export")])
def audit_export(
    f: AuditFilters = Depends(_filter_params),
    user: CurrentUser = Depends(AUDITORS),
    session: Session = Depends(get_session),
) -> Response:
    rows = session.scalars(
        _filtered(select(AuditEvent), f).order_by(AuditEvent.id).limit(EXPORT_LIMIT)
    ).all()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "id",
            "ts",
            "actor",
            "actor_role",
            "action",
            "target_type",
            "target_id",
            "purpose",
            "details",
            "prev_hash",
            "hash",
        ]
    )
    for e in rows:
        writer.writerow(
            map(
                _cell,
                [
                    e.id,
                    e.ts.isoformat(),
                    e.actor,
                    e.actor_role or "",
                    e.action,
                    e.target_type or "",
                    e.target_id or "",
                    e.purpose or "",
                    json.dumps(e.details or {}, ensure_ascii=False, sort_keys=True),
                    e.prev_hash,
                    e.hash,
                ],
            )
        )
    record(
        session,
        actor=user.username,
        actor_role=user.role,
        action="audit.export",
        target_type="audit",
        purpose="toezicht op gebruik",
        details={"filters": f.as_dict(), "rows": len(rows), "format": "csv"},
    )
    session.commit()
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="auditlog.csv"'},
    )
