"""The audit log as auditors read it, for the page, the CSV export and the JSON API alike:
filter and page it, check its hash chain, export it. Every look at the log is itself audited."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from signals.audit import VerifyResult, verify
from signals.db.models import AuditEvent
from signals.db.unit_of_work import separate
from signals.queries import DayRangeFilters
from signals.services import Actor, record_as

AUDIT_PAGE_SIZE = 100
EXPORT_LIMIT = 100_000
# The chain is checked on every visit while the log is small enough to walk quickly; beyond
# that the auditor asks for it explicitly.
AUTO_VERIFY_MAX = 20_000
PURPOSE = "toezicht op gebruik"

ROLE_CHANGE_ACTIONS = (
    "user.create",
    "user.role",
    "user.role_grant.request",
    "user.role_grant.approve",
    "user.role_grant.reject",
)

EXPORT_COLUMNS = (
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
)


@dataclass(slots=True)
class AuditFilters(DayRangeFilters):
    actor: str | None = None
    action: str | None = None
    signal_id: int | None = None

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


def _filtered(stmt: Any, f: AuditFilters) -> Any:
    if f.actor:
        stmt = stmt.where(AuditEvent.actor == f.actor)
    if f.action:
        # A prefix selects a family ("signal." finds views and decisions).
        stmt = stmt.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.signal_id:
        stmt = stmt.where(
            AuditEvent.target_type == "signal", AuditEvent.target_id == str(f.signal_id)
        )
    return f.within_days(stmt, AuditEvent.ts)


def audit_query(
    session: Session, f: AuditFilters, page_size: int = AUDIT_PAGE_SIZE, up_to: int | None = None
) -> tuple[list[AuditEvent], int, int]:
    """One page of the filtered log; `up_to` (an event id) fixes the list at a moment, so that
    its total and the chain check of the same visit describe the same rows."""

    def bounded(stmt: Any) -> Any:
        stmt = _filtered(stmt, f)
        return stmt.where(AuditEvent.id <= up_to) if up_to is not None else stmt

    total = session.scalar(bounded(select(func.count(AuditEvent.id)))) or 0
    pages = max(1, -(-total // page_size))
    f.page = min(f.page, pages)
    rows = session.scalars(
        bounded(select(AuditEvent))
        .order_by(AuditEvent.id.desc())
        .limit(page_size)
        .offset((f.page - 1) * page_size)
    ).all()
    return list(rows), total, pages


def record_audit_query(
    session: Session, actor: Actor, f: AuditFilters, channel: str, *, verify: bool = False
) -> AuditEvent:
    """One row per visit; `verify` says that the visit also checked the chain."""
    return record_as(
        session, actor, action="audit.query", target_type="audit", purpose=PURPOSE,
        details={"filters": f.as_dict(), "channel": channel, "verify": verify},
    )


def query_log(
    session: Session, actor: Actor, f: AuditFilters, *, channel: str
) -> tuple[list[AuditEvent], int, int]:
    """One page of the filtered log (the API), and its audit record."""
    found = audit_query(session, f)
    record_audit_query(session, actor, f, channel)
    return found


def verify_chain(session: Session, actor: Actor) -> VerifyResult:
    """Record the check first, then verify: the result covers its own row too, so the count
    shown is the whole chain including this request (the outcome can be re-run at any time).
    The record commits in a short transaction of its own, before the walk, so the walk never
    holds the chain's write lock."""
    with separate(session) as own:
        record_as(
            own, actor, action="audit.verify", target_type="audit",
            purpose="controle integriteit auditlog",
        )
    return verify(session)


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


@dataclass(slots=True)
class LogVisit:
    visit_id: int
    verified: VerifyResult | None  # None: the log is too long to check on every visit
    items: list[AuditEvent]
    total: int
    pages: int
    log_size: int  # events up to and including this visit
    actions: list[str]  # every action that occurs in the log, for the filter
    role_changes: list[AuditEvent]


def visit_log(
    session: Session, actor: Actor, f: AuditFilters, *, verify_chain: bool, channel: str
) -> LogVisit:
    """The auditors' page. One visit is one audit row, committed first in a transaction of its
    own, so the list, its total and the verified count all include this visit and the chain's
    walk holds no write lock."""
    size = session.scalar(select(func.count(AuditEvent.id))) or 0
    check = verify_chain or size < AUTO_VERIFY_MAX
    with separate(session) as own:
        visit = record_audit_query(own, actor, f, channel, verify=check)
    verified = verify(session) if check else None
    # The list stops at this visit: rows others write meanwhile show on the next visit.
    items, total, pages = audit_query(session, f, up_to=visit.id)
    log_size = session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.id <= visit.id))
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return LogVisit(
        visit_id=visit.id,
        verified=verified,
        items=items,
        total=total,
        pages=pages,
        log_size=log_size or 0,
        actions=list(actions),
        role_changes=role_changes(session),
    )


def _cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a login name like "=HYPERLINK(...)" is user input."""
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def export_csv(session: Session, actor: Actor, f: AuditFilters) -> str:
    """The filtered log as CSV (oldest first, at most EXPORT_LIMIT rows), and its audit record."""
    rows = session.scalars(
        _filtered(select(AuditEvent), f).order_by(AuditEvent.id).limit(EXPORT_LIMIT)
    ).all()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
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
    record_as(
        session, actor, action="audit.export", target_type="audit", purpose=PURPOSE,
        details={"filters": f.as_dict(), "rows": len(rows), "format": "csv"},
    )
    return buffer.getvalue()
