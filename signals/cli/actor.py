"""Shared CLI helpers: who acts (`--as`) and how times are shown.

`require_actor` is the one check behind every `--as` option: the name must be an existing,
active user whose role allows the action. A refusal is audited (and committed, so it stays),
printed as one clear line, and ends the command with exit code 2."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from nlp.vocabulary import TZ

_err = Console(stderr=True)


def require_actor(session: Any, username: str, roles: Iterable[str], *, action: str) -> Any:
    """The active `User` named by `--as` if their role is one of `roles`; else exit 2."""
    from signals.audit import record
    from signals.auth import get_user

    allowed = tuple(roles)
    user = get_user(session, username)
    if user is None:
        problem = f"--as {username!r}: no such user"
    elif not user.active:
        problem = f"--as {username!r}: this account is disabled"
    elif user.role not in allowed:
        problem = (
            f"--as {username!r}: role {user.role!r} may not do this (needs {' or '.join(allowed)})"
        )
    else:
        return user
    record(
        session,
        actor=username,
        actor_role=user.role if user is not None else None,
        action=f"{action}.denied",
        target_type="cli",
        purpose=f"rol {' of '.join(allowed)} vereist",
    )
    session.commit()
    _err.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def local_time(moment: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in Amsterdam time with its zone abbreviation (CET/CEST); naive means UTC.
    An ISO 8601 string is parsed first; anything else that is not a datetime shows as "-"."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if not isinstance(moment, datetime):
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(TZ)
    return f"{local.strftime(fmt)} {local.tzname()}"


def zone_name(moment: datetime) -> str:
    """CET or CEST: the Amsterdam zone abbreviation at that moment (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ).tzname() or ""


def highlight_text(snippet: str) -> Any:
    """A search snippet (HTML-escaped, matches in <mark>) as rich Text: matches in bold,
    entities decoded, no tags left."""


    text = Text()
    for index, part in enumerate(re.split(r"</?mark>", snippet)):
        if part:
            text.append(html.unescape(part), style="bold reverse" if index % 2 else None)
    return text
