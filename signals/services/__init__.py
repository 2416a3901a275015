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

from signals.actor import Actor
from signals.audit import record_as

# Re-exported: the services and their callers have always taken these from here.
__all__ = ["Actor", "record_as"]
