"""The browser's signed session cookie: what a login puts in it. A new session id and CSRF
token at every login, so a planted cookie is worthless."""

from __future__ import annotations

from fastapi import Request

from signals.db.models import User
from signals.web.security import CSRF_SESSION_KEY, new_token


def start_session(request: Request, user: User) -> None:
    """A fresh session for `user`: new id and CSRF token, and the account's session version
    (server-side; logout and password changes bump it, which ends older cookies)."""
    request.session.clear()
    request.session.update(
        {
            "sid": new_token(),
            "uid": user.id,
            "sv": user.session_version or 0,
            CSRF_SESSION_KEY: new_token(),
        }
    )
