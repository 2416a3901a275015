"""Per-source health for `signals sources status` and the admins' page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from signals.db.models import Post, SourceStateRow
from signals.db.types import utcnow


def source_status(row: SourceStateRow) -> str:
    """`failing` when the latest poll ended in an error (also what fails the source's task in
    Airflow), `ok` when it succeeded, `new` before the first poll."""
    if row.last_error_at and (not row.last_success_at or row.last_error_at >= row.last_success_at):
        return "failing"
    return "ok" if row.last_success_at else "new"


def failing_sources(rows: list[dict]) -> list[str]:
    return [r["source_id"] for r in rows if r.get("status") == "failing"]


def source_health(session: Session) -> list[dict]:
    since = utcnow() - timedelta(hours=24)
    recent: dict[str, int] = {
        source_id: count
        for source_id, count in session.execute(
            select(Post.source_id, func.count())
            .where(Post.fetched_at >= since)
            .group_by(Post.source_id)
        ).all()
    }
    rows = session.scalars(select(SourceStateRow).order_by(SourceStateRow.source_id)).all()
    return [
        {
            "source_id": row.source_id,
            "status": source_status(row),
            "last_success_at": row.last_success_at,
            "last_error_at": row.last_error_at,
            "last_error": row.last_error,
            "items_24h": recent.get(row.source_id, 0),
            "avg_latency_ms": round(row.total_latency_ms / row.polls, 1) if row.polls else None,
            "polls": row.polls,
            "errors": row.errors,
        }
        for row in rows
    ]
