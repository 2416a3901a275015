"""The web suite's helpers, re-exported from the shared fixture stack and factories."""

from __future__ import annotations

# The fixtures (template_db, env, app, client, live_server, browser, screenshot_dir) live in
# tests/webapp.py, registered for every folder by tests/conftest.py. The helpers stay importable
# from here, as the web tests import them (`from .conftest import login, make_signal`).
from typing import Any

from sqlalchemy import Engine

from signals.actor import Actor
from signals.db.session import session_scope
from signals.triage import DecisionRequest, decide
from tests.factories import make_call_signal as make_signal
from tests.webapp import (
    PASSWORD,
    Env,
    browser_log_in,
    csrf_from,
    login,
    page_csrf,
    page_with_errors,
)

__all__ = [
    "PASSWORD", "Env", "browser_log_in", "colleague_decides", "csrf_from", "login",
    "make_signal", "page_csrf", "page_with_errors",
]


def colleague_decides(
    engine: Engine, signal_id: int, to_status: str, rationale: str, **options: Any
) -> None:
    """`analyst2` takes the first decision on a signal (version 1) before the test's user
    opens it: the history then holds a colleague's step."""
    with session_scope(engine) as session:
        request = DecisionRequest(signal_id, to_status, 1, rationale=rationale)
        decide(session, request, actor=Actor("analyst2", "analyst"), **options)
