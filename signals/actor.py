"""Who acts: the one value every layer passes for the person (or process) behind an act.

It lives below the services, auth, triage, protocol and audit modules so that each of them can
take it without importing the services package (which imports them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the audit trail's actor and the role their permissions come from. An empty
    role (an operator at the shell, the system) is recorded in the audit trail as none."""

    username: str
    role: str
    id: int | None = None


# An act no person asked for (accounts made by setup code and tests): recorded without a role.
SYSTEM = Actor("system", "")
