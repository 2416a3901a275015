"""The web suite's helpers, re-exported from the shared fixture stack and factories."""

from __future__ import annotations

# The fixtures (template_db, env, app, client, live_server, browser, screenshot_dir) live in
# tests/webapp.py, registered for every folder by tests/conftest.py. The helpers stay importable
# from here, as the web tests import them (`from .conftest import login, make_signal`).
from tests.factories import make_call_signal as make_signal
from tests.webapp import (
    PASSWORD,
    Env,
    browser_log_in,
    csrf_from,
    login,
    page_csrf,
)

__all__ = ["PASSWORD", "Env", "browser_log_in", "csrf_from", "login", "make_signal", "page_csrf"]
