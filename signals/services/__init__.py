"""Services: one public function per thing a user does, called by the web routes, the JSON API,
the CLI and the DAGs alike.

The rules every service follows:
- It takes the database session first and the acting person as an `Actor`, then plain values
  (already parsed by the caller), and returns plain data (dataclasses, model rows, ids).
- It checks the actor's role where the rules depend on it, validates, changes state and writes
  the audit record in the same session, so that a change and its audit entry commit together.
- It never commits or rolls back: the caller's unit of work does, once (the web app's
  `signals.web.uow`; `signals.db.session.session_scope` in the CLI and DAGs). What must not
  share the act's fate it registers with `signals.db.unit_of_work`: `keep` for the audit record
  of a refusal (written even when the act rolls back), `after_commit` for work outside the
  database such as re-indexing (run only once the act is committed).
- It refuses with a `signals.errors.DomainError` subclass carrying the HTTP status and a Dutch
  message; it never imports FastAPI, templates or the web package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from signals import audit
from signals.db.models import AuditEvent


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the audit trail's actor and the role their permissions come from."""

    username: str
    role: str
    id: int | None = None


def record_as(
    session: Session,
    actor: Actor,
    *,
    action: str,
    target_type: str | None = None,
    target_id: str | int | None = None,
    purpose: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """The audit record of an act by `actor`, in the caller's transaction. An actor without a
    role (an operator at the shell, the demo) is recorded as having none, not an empty one."""
    return audit.record(
        session, actor=actor.username, actor_role=actor.role or None, action=action,
        target_type=target_type, target_id=target_id, purpose=purpose, details=details,
    )
