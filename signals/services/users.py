"""User management by admins, for the users page and the JSON API alike: add an account,
disable or enable it, change its role, and decide on another admin's request to create or raise
a supervisor or admin (four eyes). `signals.auth` does the acts and their audit and alerts;
this module adds who may do them to whom."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from nlp.vocabulary import PARTNER
from signals import auth
from signals.config import Settings
from signals.db.models import RoleGrant, User
from signals.errors import DomainError, NotFound
from signals.services import Actor

SELF_CHANGE = "U kunt uzelf niet uitschakelen of uw eigen rol wijzigen."


@dataclass(frozen=True, slots=True)
class UsersOverview:
    users: list[User]
    pending: dict[int, str]  # user id -> the role a second admin still has to approve
    grants: list[RoleGrant]


def overview(session: Session) -> UsersOverview:
    return UsersOverview(
        users=auth.list_users(session),
        pending=auth.pending_roles(session),
        grants=auth.pending_grants(session),
    )


def pending_role(session: Session, user: User) -> str | None:
    return auth.pending_roles(session).get(user.id)


def _target(session: Session, username: str) -> User:
    target = auth.get_user(session, username)
    if target is None:
        raise NotFound(f"Gebruiker '{username}' bestaat niet.")
    return target


def create_user(
    session: Session,
    actor: Actor,
    settings: Settings,
    username: str,
    role: str,
    password: str | None = None,
) -> tuple[User, str]:
    """A new account and its password (generated when none is given; the admin hands it over
    out of band). A supervisor or admin is created disabled until a second admin approves.
    A partner account belongs to an organisation: signals.services.partner_admin makes it."""
    if role == PARTNER:
        raise DomainError(
            "Een partneraccount hoort bij een partnerorganisatie: maak het aan bij Partners."
        )
    password = password or auth.generate_password()
    return create_account(session, actor, username, password, role, settings), password


def create_account(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    settings: Settings | None = None,
) -> User:
    """Any account, staff or partner, as `actor` makes it: `signals.auth` checks, audits and
    alerts it, and holds it for a second admin when `actor` is a web admin (has an id)."""
    return auth.create_user(session, username, password, role, actor=actor, settings=settings)


def update_user(
    session: Session,
    actor: Actor,
    settings: Settings,
    username: str,
    *,
    role: str | None = None,
    active: bool | None = None,
) -> User:
    """Change the role and/or the active flag. Raising a role to supervisor or admin files a
    request for a second admin; nobody disables themselves or changes their own role."""
    target = _target(session, username)
    changes_role = role is not None and role != target.role
    changes_active = active is not None and active != target.active
    if target.id == actor.id and (changes_role or active is False):
        raise auth.AuthError(SELF_CHANGE)
    if changes_role:
        assert role is not None
        auth.set_role(session, username, role, actor=actor, settings=settings)
    if changes_active:
        assert active is not None
        auth.set_active(session, username, active, actor=actor)
    return target


def decide_role_grant(
    session: Session, actor: Actor, settings: Settings, username: str, *, approve: bool
) -> User:
    """A second admin approves or rejects the pending supervisor/admin role of `username`."""
    target = _target(session, username)
    auth.decide_role_grant(session, username, approve=approve, actor=actor, settings=settings)
    return target


def apply_operation(
    session: Session, actor: Actor, settings: Settings, username: str, op: str, role: str = ""
) -> User:
    """One button of the users page: disable, enable, role (with `role`), approve, reject."""
    if op == "disable":
        return update_user(session, actor, settings, username, active=False)
    if op == "enable":
        return update_user(session, actor, settings, username, active=True)
    if op == "role":
        return update_user(session, actor, settings, username, role=role)
    if op in {"approve", "reject"}:
        return decide_role_grant(session, actor, settings, username, approve=op == "approve")
    raise auth.AuthError("Onbekende handeling.")
