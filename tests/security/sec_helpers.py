"""Helpers for the security tests (a module, so tests can import them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from nlp.vocabulary import SUPERVISOR
from signals.db.models import SignalPost
from signals.db.session import session_scope
from tests.factories import make_enrichment, make_post
from tests.factories import make_signal as _make_signal
from tests.webapp import PASSWORD, csrf_from, logged_in, login
from tests.webapp import USERS as WEB_USERS

# The shared template's users plus a second supervisor (added by conftest.py).
USERS = {**WEB_USERS, "supervisor2": SUPERVISOR}

__all__ = ["PASSWORD", "USERS", "csrf_from", "logged_in", "login", "make_signal"]


def make_signal(
    engine: Engine,
    *,
    title: str = "Oproep: verzamelen op het Stadhuisplein",
    text: str = "Zaterdag 14:00 allemaal naar het Stadhuisplein!",
    status: str = "new",
    url: str | None = None,
    pseudonym: str | None = "ps_0123456789abcdef0123456789abcdef",
) -> tuple[int, int]:
    """A committed signal with one post (its URL and author pseudonym as given): both ids."""
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        signal = _make_signal(
            session, status=status, severity=0.8,
            severity_breakdown={"total": 0.8, "components": []}, title=title,
            place="Stadhuisplein", district="Almere Stad", in_almere=True,
            post_count=1, source_count=1, first_seen_at=now,
        )
        post = make_post(
            session, text=text, title=title, key=f"s/{signal.id}", url=url,
            canonical_url=f"https://example.org/s/{signal.id}", content_hash=f"h-{signal.id}",
            author=pseudonym, pseudonym_period="2026-11" if pseudonym else None, fetched_at=now,
        )
        make_enrichment(
            session, post.id, labels={"call_to_gathering": {"p": 0.9, "flag": True}}, places=[],
            explanations={"call_to_gathering": [["verzamelen", 1.2]]},
        )
        session.add(SignalPost(signal_id=signal.id, post_id=post.id))
        return signal.id, post.id
