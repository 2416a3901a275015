"""The one base of every error a user can cause. Each carries the HTTP status it maps to and a
Dutch message fit to show; the web app maps them in one handler, the CLI prints the message."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. `message` is Dutch and shown to the user as it is."""

    status_code: int = 422

    def __init__(self, message: str = "Dit verzoek kan niet worden uitgevoerd.") -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """Stale or concurrent: someone else changed the thing since it was read."""

    status_code = 409


class NotAllowed(DomainError):
    """The role or the rules do not allow this act."""

    status_code = 403
