"""A person's own account: logging in (throttled), logging out and changing the password.
Every attempt is audited, also a refused or throttled one; those refusals are answers the
caller renders (401, 429), not errors, so their audit records commit with the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from signals import auth
from signals.audit import record
from signals.db.models import User
from signals.services import Actor, record_as

BAD_LOGIN = "Onjuiste gebruikersnaam of wachtwoord."


class Throttle(Protocol):
    """Backoff after failed logins, keyed on the typed name and the address (its state lives in
    the database; signals.web.security.LoginThrottle)."""

    def wait_seconds(self, session: Session, username: str, client: str) -> int: ...

    def failure(self, session: Session, username: str, client: str) -> None: ...

    def success(self, session: Session, username: str, client: str) -> None: ...


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user: User | None
    error: str | None = None  # Dutch, shown on the login form
    status: int = 200


def _record_login(
    session: Session,
    username: str,
    *,
    action: str,
    details: dict[str, object],
    user: User | None = None,
) -> None:
    """Every login attempt's audit record. Before the login succeeds there is no account to
    name, only the typed name; "-" stands for none typed."""
    record(
        session,
        actor=username or "-",
        actor_role=user.role if user else None,
        action=action,
        target_type="user",
        target_id=user.id if user else None,
        purpose="inloggen",
        details=details,
    )


def log_in(
    session: Session, throttle: Throttle, username: str, password: str, client: str
) -> LoginOutcome:
    """The same answers whether or not the name exists: the throttle is keyed on the typed name
    and the address, never on the account, and there is no per-account lockout."""
    username = username.strip()
    wait = throttle.wait_seconds(session, username, client)
    if wait:
        _record_login(
            session, username, action="login.throttled",
            details={"client": client, "wait_seconds": wait},
        )
        return LoginOutcome(
            None, f"Te veel mislukte pogingen. Probeer het over {wait} seconden opnieuw.", 429
        )
    result = auth.authenticate(session, username, password)
    if not result.ok or result.user is None:
        throttle.failure(session, username, client)
        _record_login(
            session, username, action="login.failure",
            details={"reason": result.reason, "client": client},
        )
        return LoginOutcome(None, BAD_LOGIN, 401)
    user = result.user
    throttle.success(session, username, client)
    _record_login(
        session, user.username, action="login.success", details={"client": client}, user=user
    )
    return LoginOutcome(user)


def log_out(session: Session, actor: Actor) -> None:
    """Bumping the account's session version ends this cookie and every copy of it, in every
    browser of this account, and survives a restart (no in-memory list)."""
    row = session.get(User, actor.id) if actor.id is not None else None
    if row is not None:
        auth.end_sessions(session, row)
    record_as(
        session, actor, action="logout", target_type="user", target_id=actor.id,
        purpose="uitloggen",
    )


def change_password(session: Session, actor: Actor, current: str, new: str, repeat: str) -> User:
    """A new password ends every other session of the account (signals.auth)."""
    if new != repeat:
        raise auth.AuthError("De twee nieuwe wachtwoorden zijn niet gelijk.")
    if actor.id is None:
        raise auth.AuthError("Onbekend account.")
    return auth.change_own_password(session, actor.id, current, new)
