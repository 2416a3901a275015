"""Web security plumbing: the session secret, CSRF tokens, security headers, login throttling,
the client address behind trusted proxies."""

from __future__ import annotations

import ipaddress
import os
import secrets
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import case, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from signals.db.models import LoginAttempt
from signals.db.types import utcnow
from signals.private_files import ensure_private_dir

CSRF_SESSION_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

HSTS = "max-age=31536000; includeSubDomains"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def load_secret_key(path: Path) -> str:
    """Read the signing secret, generating it once (0600) if it does not exist yet."""
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    ensure_private_dir(path.parent, tighten=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return secrets.compare_digest(expected.encode(), given.encode())


class SecurityHeadersMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware) so it adds no per-request task overhead."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        # Only when the app is served over https (base URL): HSTS over http would be ignored,
        # and on a misconfigured http-only host it would lock browsers out.
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
                ]
                if self.hsts:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                if not is_static:
                    # Pages carry case content: never keep them in a shared or browser cache.
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LoginThrottle:
    """Exponential backoff on failed logins, per address and per (name, address), kept in the
    database (`login_attempts`) so that a restart does not reset it.

    - Per (typed name, address): PAIR_FREE failures, then 1, 2, 4 ... s, at most PAIR_MAX_DELAY.
      Keyed on the typed name whether or not it exists, so known and unknown names behave the
      same; keyed on the address too, so nobody elsewhere can lock the owner out.
    - Per address (any name): ADDRESS_FREE failures, then 1, 2, 4 ... s, at most
      `max_address_delay`: it slows spraying one password over many names, but never becomes
      a lockout of everyone behind one address (a town hall's NAT).
    An attempt inside a delay is refused without checking the password. Failures are forgotten
    FORGET_AFTER after the last one; a success clears its (name, address) key."""

    PAIR_FREE = 3
    PAIR_MAX_DELAY = 15 * 60
    ADDRESS_FREE = 10
    FORGET_AFTER = timedelta(hours=1)

    def __init__(self, max_address_delay: int = 60) -> None:
        self.max_address_delay = max_address_delay
        self.clock: Callable[[], datetime] = utcnow

    @staticmethod
    def delay(failures: int, *, free: int, cap: int) -> int:
        """Seconds to wait after `failures` consecutive failures."""
        if failures <= free:
            return 0
        return int(min(2 ** min(failures - free - 1, 30), cap))

    def keys(self, username: str, address: str) -> list[tuple[str, int, int]]:
        name = username.strip().casefold()[:64]
        return [
            (f"addr:{address}"[:160], self.ADDRESS_FREE, self.max_address_delay),
            (f"name:{name}@{address}"[:160], self.PAIR_FREE, self.PAIR_MAX_DELAY),
        ]

    def wait_seconds(self, session: Session, username: str, address: str) -> int:
        """0 if a login attempt may be checked now, else the seconds to wait. On PostgreSQL the
        attempt holds a transaction lock for its address until the caller commits, so parallel
        guesses from one address are decided one after the other, each seeing the previous
        failure (every key of an attempt contains the address, so one lock covers them)."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                text("SELECT pg_advisory_xact_lock(:space, :key)"),
                {"space": _LOCK_SPACE, "key": _lock_key(address)},
            )
        now = self.clock()
        cutoff = now - self.FORGET_AFTER
        stmt = select(LoginAttempt).where(
            LoginAttempt.key.in_([key for key, _free, _cap in self.keys(username, address)])
        )
        wait = 0.0
        for row in session.scalars(stmt.execution_options(populate_existing=True)):
            if row.updated_at < cutoff or row.next_allowed_at is None:
                continue
            if row.next_allowed_at > now:
                wait = max(wait, (row.next_allowed_at - now).total_seconds())
        return int(wait) + (1 if wait % 1 else 0)

    def failure(self, session: Session, username: str, address: str) -> None:
        now = self.clock()
        cutoff = now - self.FORGET_AFTER
        dialect = session.get_bind().dialect.name
        for key, free, cap in self.keys(username, address):
            # Create-if-missing and increment in SQL, so concurrent failures neither collide
            # on the primary key nor lose a count.
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            session.execute(
                insert(LoginAttempt)
                .values(key=key, failures=0, updated_at=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            session.execute(
                update(LoginAttempt)
                .where(LoginAttempt.key == key)
                .values(
                    failures=case(
                        (LoginAttempt.updated_at < cutoff, 1),
                        else_=LoginAttempt.failures + 1,
                    ),
                    updated_at=now,
                )
            )
            row = session.get(LoginAttempt, key, populate_existing=True)
            if row is not None:
                wait = self.delay(row.failures, free=free, cap=cap)
                row.next_allowed_at = now + timedelta(seconds=wait)
        session.flush()
        self._prune(session, cutoff, dialect)

    @staticmethod
    def _prune(session: Session, cutoff: datetime, dialect: str) -> None:
        """Forget expired keys, a batch per failure, so guessing with ever new names or
        addresses cannot grow the table without bound. SKIP LOCKED: never wait for (or
        deadlock with) another attempt's rows."""
        expired = select(LoginAttempt.key).where(LoginAttempt.updated_at < cutoff).limit(500)
        if dialect == "postgresql":
            expired = expired.with_for_update(skip_locked=True)
        session.execute(
            delete(LoginAttempt)
            .where(LoginAttempt.key.in_(expired.scalar_subquery()))
            .execution_options(synchronize_session=False)
        )

    def success(self, session: Session, username: str, address: str) -> None:
        # Only the (name, address) key: a valid account must not reset the address's count.
        _addr, pair = self.keys(username, address)
        row = session.get(LoginAttempt, pair[0])
        if row is not None:
            session.delete(row)
            session.flush()


_LOCK_SPACE = 0x0515  # pg_advisory_xact_lock(int, int) namespace of the login throttle


def _lock_key(address: str) -> int:
    value = zlib.crc32(address.encode())
    return value - 2**32 if value >= 2**31 else value


def client_address(request: Request, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address. X-Forwarded-For is read only when the peer is a configured proxy,
    from the right, skipping further trusted proxies (the left part is the client's to forge).
    Run uvicorn with proxy_headers off, or it rewrites the peer before we see it."""
    peer = request.client.host if request.client else "unknown"
    networks = _networks(trusted_proxies)
    if not networks or not _in(peer, networks):
        return peer
    forwarded = [
        part.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for part in header.split(",")
        if part.strip()
    ]
    for hop in reversed(forwarded):
        if not _in(hop, networks):
            return hop if _parse(hop) is not None else peer
    return peer


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _networks(values: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    found = []
    for value in values:
        try:
            found.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            continue
    return found


def _in(value: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    address = _parse(value)
    return address is not None and any(address in net for net in networks)
