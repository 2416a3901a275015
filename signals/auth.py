"""Users, roles and password checks (argon2). Passwords are never logged or audited.

Four eyes by person, not by name (`signals.four_eyes`): `four_eyes_conflict` refuses a
requester/approver pair that one person may hold both of, or where one account was created
(directly or down the chain) by the other. Creating a
supervisor or admin, or raising an account to one of those roles, from the web app waits for a
second admin (`RoleGrant`); the CLI (the host operator) is the bootstrap path for the first
admin. Every role change is audited and alerted to the admins."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nlp.vocabulary import APPROVAL_PENDING, APPROVED, PARTNER, REJECTED
from signals import four_eyes
from signals.actor import SYSTEM, Actor
from signals.alerts import alert_role_change
from signals.audit import record_as
from signals.config import Settings
from signals.db.models import ROLES, RoleGrant, User
from signals.db.types import utcnow
from signals.errors import DomainError

MIN_PASSWORD_LENGTH = 10
# Roles that take part in four-eyes acts or manage accounts: granting them needs a second admin.
ELEVATED_ROLES = frozenset({"supervisor", "admin"})

_hasher = PasswordHasher()
# Verifying against a dummy hash for unknown users keeps response times alike, so the
# login form does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))


class AuthError(DomainError, ValueError):
    """A user-management request that cannot be honoured; the message is Dutch, for the UI."""

    status_code = 409


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: User | None
    reason: str | None = None  # "unknown", "bad_password", "disabled"

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
    actor: Actor = SYSTEM,
    settings: Settings | None = None,
) -> User:
    """Create an account. `actor.id` is the web admin doing it (None: CLI or system). A
    supervisor or admin created by a web admin stays disabled until a second admin approves."""
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
    needs_grant = actor.id is not None and role in ELEVATED_ROLES
    user = User(
        username=username,
        role=role,
        password_hash=hash_password(password),
        active=not needs_grant,
        created_by_id=actor.id,
        password_set_by_id=actor.id,
        session_version=0,
    )
    session.add(user)
    session.flush()
    _audit(
        session, user, action="user.create",
        details={"username": username, "role": role, "pending": needs_grant},
        actor=actor,
    )
    if needs_grant:
        _request_grant(session, user, role, "create", actor=actor)
    alert_role_change(
        session,
        f"Account {username} aangemaakt met rol {role}"
        + (" (wacht op goedkeuring door een tweede beheerder)" if needs_grant else "")
        + f", door {actor.username}.",
        {"username": username, "to": role, "by": actor.username, "pending": needs_grant},
        settings,
    )
    return user


def _audit(
    session: Session,
    user: User,
    *,
    action: str,
    details: dict[str, object],
    actor: Actor,
) -> None:
    """The audit record of a change to an account: every one targets the account and serves
    user management."""
    record_as(
        session, actor, action=action, target_type="user",
        target_id=user.id, purpose="gebruikersbeheer", details=details,
    )


def _request_grant(
    session: Session, user: User, role: str, kind: str, *, actor: Actor
) -> RoleGrant:
    grant = RoleGrant(
        user_id=user.id,
        role=role,
        kind=kind,
        requested_by_id=actor.id,
        requested_by=actor.username,
        status=APPROVAL_PENDING,
    )
    session.add(grant)
    session.flush()
    _audit(
        session, user, action="user.role_grant.request",
        details={"username": user.username, "role": role, "kind": kind, "grant_id": grant.id},
        actor=replace(actor, role="admin"),
    )
    return grant


def pending_grant(session: Session, user: User) -> RoleGrant | None:
    return session.scalar(
        select(RoleGrant)
        .where(RoleGrant.user_id == user.id, RoleGrant.status == APPROVAL_PENDING)
        .order_by(RoleGrant.id.desc())
        .limit(1)
    )


def pending_roles(session: Session) -> dict[int, str]:
    """user id -> role waiting for a second admin."""
    rows = session.execute(
        select(RoleGrant.user_id, RoleGrant.role).where(RoleGrant.status == APPROVAL_PENDING)
    ).all()
    return {user_id: role for user_id, role in rows}


def pending_grants(session: Session) -> list[RoleGrant]:
    return list(
        session.scalars(
            select(RoleGrant).where(RoleGrant.status == APPROVAL_PENDING).order_by(RoleGrant.id)
        )
    )


def _awaits_creation_approval(session: Session, user: User) -> bool:
    """True while the account's creation as supervisor/admin was not approved."""
    kinds = session.scalars(
        select(RoleGrant.status).where(RoleGrant.user_id == user.id, RoleGrant.kind == "create")
    ).all()
    return bool(kinds) and APPROVED not in kinds


def decide_role_grant(
    session: Session,
    username: str,
    *,
    approve: bool,
    actor: Actor,
    settings: Settings | None = None,
) -> User:
    """A second admin approves or rejects the pending role grant of `username`. An actor
    without an id is the CLI (the host operator)."""
    user = _require(session, username)
    grant = pending_grant(session, user)
    if grant is None:
        raise AuthError(f"Voor '{user.username}' wacht geen rolwijziging op goedkeuring.")
    if actor.id is not None:
        approver = session.get(User, actor.id)
        if approver is None or approver.role != "admin" or not approver.active:
            raise AuthError("Alleen een actieve beheerder kan een rolwijziging goedkeuren.")
        if approver.id == user.id:
            raise AuthError("U kunt uw eigen rolwijziging niet goedkeuren.")
        requester = session.get(User, grant.requested_by_id) if grant.requested_by_id else None
        if requester is not None:
            conflict = four_eyes.conflict(session, requester, approver)
            if conflict:
                raise AuthError(f"Een tweede beheerder moet dit goedkeuren: {conflict}")
    grant.status = APPROVED if approve else REJECTED
    grant.decided_by = actor.username
    grant.decided_at = utcnow()
    old_role = user.role
    # Recorded as an admin from the web app; with no role from the CLI, the host operator.
    actor = replace(actor, role="admin" if actor.id is not None else "")
    if approve:
        if grant.kind == "create":
            user.active = True
        user.role = grant.role
        user.session_version = (user.session_version or 0) + 1
    _audit(
        session, user, action="user.role_grant.approve" if approve else "user.role_grant.reject",
        details={
            "username": user.username,
            "role": grant.role,
            "kind": grant.kind,
            "grant_id": grant.id,
            "requested_by": grant.requested_by,
            "from": old_role,
        },
        actor=actor,
    )
    if approve and grant.kind == "elevate":
        _audit(
            session, user, action="user.role",
            details={"username": user.username, "from": old_role, "to": grant.role},
            actor=actor,
        )
    verdict = "goedgekeurd" if approve else "afgewezen"
    alert_role_change(
        session,
        f"Rol {grant.role} voor {user.username} (aangevraagd door {grant.requested_by}) "
        f"{verdict} door {actor.username}.",
        {"username": user.username, "to": grant.role, "by": actor.username, "approved": approve},
        settings,
    )
    return user


def set_role(
    session: Session,
    username: str,
    role: str,
    *,
    actor: Actor,
    settings: Settings | None = None,
) -> User:
    """Change a role. Raising an account to supervisor or admin from the web app (`actor.id`
    given) only files a request that a second admin must approve; lowering takes effect at
    once. Every change is alerted."""
    _check_role(role)
    user = _require(session, username)
    old = user.role
    if role == old:
        return user
    if PARTNER in (role, old):
        # A partner account belongs to an organisation and sees only its own reports; staff
        # and partner accounts are never turned into one another.
        raise AuthError("De rol partner kan niet worden gewijzigd: maak een nieuw account aan.")
    if actor.id is not None and role in ELEVATED_ROLES:
        if pending_grant(session, user) is not None:
            raise AuthError(f"Voor '{user.username}' wacht al een rolwijziging op goedkeuring.")
        _request_grant(session, user, role, "elevate", actor=actor)
        alert_role_change(
            session,
            f"{actor.username} vraagt rol {role} aan voor {user.username} (nu {old}); "
            "een tweede beheerder moet dit goedkeuren.",
            {
                "username": user.username, "from": old, "to": role, "by": actor.username,
                "pending": True,
            },
            settings,
        )
        return user
    user.role = role
    user.session_version = (user.session_version or 0) + 1
    alert_role_change(
        session,
        f"Rol van {user.username} gewijzigd van {old} naar {role} door {actor.username}.",
        {"username": user.username, "from": old, "to": role, "by": actor.username},
        settings,
    )
    _audit(
        session, user, action="user.role",
        details={"username": user.username, "from": old, "to": role},
        actor=actor,
    )
    return user


def set_active(session: Session, username: str, active: bool, *, actor: Actor) -> User:
    user = _require(session, username)
    if active and _awaits_creation_approval(session, user):
        raise AuthError(
            f"'{user.username}' wacht op goedkeuring door een tweede beheerder "
            "(of die werd geweigerd) en kan niet worden ingeschakeld."
        )
    user.active = active
    if not active:
        user.session_version = (user.session_version or 0) + 1
    _audit(
        session, user, action="user.enable" if active else "user.disable",
        details={"username": user.username},
        actor=actor,
    )
    return user


def set_password(
    session: Session,
    username: str,
    password: str,
    *,
    actor: Actor,
) -> User:
    """Set a password and end every session of the account. `actor.id` is the web account
    that chose it (the owner, or an admin who then knows it); None for the CLI."""
    _check_password(password)
    user = _require(session, username)
    user.password_hash = hash_password(password)
    user.password_set_by_id = actor.id if actor.id not in (None, user.id) else None
    user.session_version = (user.session_version or 0) + 1
    _audit(
        session, user, action="user.password", details={"username": user.username},
        actor=actor,
    )
    return user


def change_own_password(session: Session, user_id: int, current: str, new: str) -> User:
    """The owner sets their own password (which also ends the admin's knowledge of it)."""
    user = session.get(User, user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise AuthError("Het huidige wachtwoord klopt niet.")
    if current == new:
        raise AuthError("Kies een ander wachtwoord dan het huidige.")
    return set_password(session, user.username, new, actor=Actor(user.username, user.role, user.id))


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every session cookie of this account (logout everywhere)."""
    user.session_version = (user.session_version or 0) + 1


def four_eyes_conflict(session: Session, requester: str, approver: str) -> str | None:
    """Why `approver` may not complete `requester`'s four-eyes act, or None if they may.

    Compares persons: the same account (names compared case-insensitively), an account created
    by the other (also down the chain of creators), or two accounts one admin can still log in
    as (both passwords chosen by that admin and unchanged)."""
    if requester.casefold() == approver.casefold():
        return "aanvrager en goedkeurder zijn hetzelfde account."
    req = get_user(session, requester)
    appr = get_user(session, approver)
    if req is None or appr is None:
        return None  # the CLI or the system: the host operator, outside the web's four eyes
    return four_eyes.conflict(session, req, appr)


def _require(session: Session, username: str) -> User:
    user = get_user(session, username)
    if user is None:
        raise AuthError(f"Gebruiker '{username}' bestaat niet.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def authenticate(session: Session, username: str, password: str) -> LoginResult:
    """Check a login; the caller throttles (signals.web.security.LoginThrottle) and audits.

    There is no per-account lockout: that let anyone lock a known account. Unknown names
    cost the same argon2 verification as known ones."""
    user = get_user(session, username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return LoginResult(None, "unknown")
    if not verify_password(user.password_hash, password):
        return LoginResult(None, "bad_password")
    if not user.active:
        return LoginResult(None, "disabled")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)
