"""Users, roles and password checks (argon2). Passwords are never logged or audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from signals.audit import record
from signals.db.models import ROLES, User
from signals.db.types import utcnow

# A user is locked for LOCKOUT_MINUTES after MAX_FAILED_LOGINS consecutive failures.
MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 15
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verifying against a dummy hash for unknown users keeps response times alike, so the
# login form does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))


class AuthError(ValueError):
    """A user-management request that cannot be honoured; the message is Dutch, for the UI."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: User | None
    reason: str | None = None  # "unknown", "bad_password", "locked", "disabled"

    @property
    def ok(self) -> bool:
        return self.user is not None and self.reason is None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AuthError(f"Onbekende rol '{role}'. Kies uit: {', '.join(ROLES)}.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn.")


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    actor: str = "system",
    actor_role: str | None = None,
) -> User:
    username = username.strip()
    if (
        not username
        or len(username) > 64
        or not username.replace(".", "").replace("-", "").replace("_", "").isalnum()
    ):
        raise AuthError("Gebruikersnaam: 1-64 tekens, letters, cijfers, punt, streepje of _.")
    _check_role(role)
    _check_password(password)
    if get_user(session, username) is not None:
        raise AuthError(f"Gebruiker '{username}' bestaat al.")
    user = User(username=username, role=role, password_hash=hash_password(password), active=True)
    session.add(user)
    session.flush()
    record(
        session,
        actor=actor,
        actor_role=actor_role,
        action="user.create",
        target_type="user",
        target_id=user.id,
        purpose="gebruikersbeheer",
        details={"username": username, "role": role},
    )
    return user


def set_role(
    session: Session, username: str, role: str, *, actor: str, actor_role: str | None = None
) -> User:
    _check_role(role)
    user = _require(session, username)
    old = user.role
    user.role = role
    record(
        session,
        actor=actor,
        actor_role=actor_role,
        action="user.role",
        target_type="user",
        target_id=user.id,
        purpose="gebruikersbeheer",
        details={"username": user.username, "from": old, "to": role},
    )
    return user


def set_active(
    session: Session, username: str, active: bool, *, actor: str, actor_role: str | None = None
) -> User:
    user = _require(session, username)
    user.active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    record(
        session,
        actor=actor,
        actor_role=actor_role,
        action="user.enable" if active else "user.disable",
        target_type="user",
        target_id=user.id,
        purpose="gebruikersbeheer",
        details={"username": user.username},
    )
    return user


def set_password(
    session: Session, username: str, password: str, *, actor: str, actor_role: str | None = None
) -> User:
    _check_password(password)
    user = _require(session, username)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    record(
        session,
        actor=actor,
        actor_role=actor_role,
        action="user.password",
        target_type="user",
        target_id=user.id,
        purpose="gebruikersbeheer",
        details={"username": user.username},
    )
    return user


def _require(session: Session, username: str) -> User:
    user = get_user(session, username)
    if user is None:
        raise AuthError(f"Gebruiker '{username}' bestaat niet.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def authenticate(session: Session, username: str, password: str) -> LoginResult:
    """Check a login and keep the failure counter; the caller audits the outcome."""
    user = get_user(session, username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return LoginResult(None, "unknown")
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        # Do not even check the password: a locked account gives no oracle.
        return LoginResult(None, "locked")
    if not verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
            user.failed_logins = 0
            return LoginResult(None, "locked")
        return LoginResult(None, "bad_password")
    if not user.active:
        return LoginResult(None, "disabled")
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)
