"""Four eyes by person, not by name: whether two accounts may be one person's.

An admin that creates an account chooses (and so knows) its first password, so until the owner
sets their own password that admin may act as the account. Two accounts conflict when they are
the same, when one was created (directly or down the chain) by the other, or when one admin can
still log in as both.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from signals.db.models import User


def _chain(
    session: Session, user: User, link: Callable[[User], int | None], found: set[int]
) -> set[int]:
    """`found` plus the account `link` names for `user`, the one it names for that account, and
    so on; a loop or a deleted account ends the chain."""
    current = link(user)
    while current is not None and current not in found:
        found.add(current)
        row = session.get(User, current)
        current = link(row) if row is not None else None
    return found


def _ancestors(session: Session, user: User) -> set[int]:
    """The accounts that created this one, its creator's creator, and so on."""
    return _chain(session, user, lambda u: u.created_by_id, set())


def _controllers(session: Session, user: User) -> set[int]:
    """Accounts whose holder may log in as `user`: itself and, while the password is still the
    one an admin chose, that admin (and whoever may act as that admin)."""
    return _chain(session, user, lambda u: u.password_set_by_id, {user.id})


def conflict(session: Session, requester: User, approver: User) -> str | None:
    """Why `approver` may not complete `requester`'s four-eyes act, or None if they may."""
    if requester.id == approver.id:
        return "aanvrager en goedkeurder zijn hetzelfde account."
    if requester.id in _ancestors(session, approver):
        return f"{approver.username} is (via) {requester.username} aangemaakt."
    if approver.id in _ancestors(session, requester):
        return f"{requester.username} is (via) {approver.username} aangemaakt."
    if _controllers(session, requester) & _controllers(session, approver):
        return (
            "beide accounts hebben nog een wachtwoord dat door dezelfde beheerder is gekozen; "
            "een van beiden moet eerst een eigen wachtwoord instellen."
        )
    return None
