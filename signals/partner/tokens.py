"""API keys of partner systems: generated once, kept as a SHA-256 hash, limited per key.

A key is 32 random bytes (URL-safe), prefixed so that a leaked one is recognisable in logs and
secret scanners. A hash of a high-entropy random value needs no slow password hash: nobody can
guess a 256-bit key from its SHA-256.

The rate limit is a sliding window per key, kept in the process: one web process per host
serves the API (the Dockerfile's uvicorn runs one worker), so the window is exact there; with
more workers each would allow the limit on its own."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

PREFIX = "oovp_"
PER_MINUTE = 30
WINDOW_SECONDS = 60.0


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def shown_prefix(token: str) -> str:
    """The first characters, shown in lists so that an admin can tell keys apart."""
    return token[: len(PREFIX) + 4]


@dataclass
class RateLimiter:
    """At most `limit` calls per key within any `window` seconds."""

    limit: int = PER_MINUTE
    window: float = WINDOW_SECONDS
    _calls: dict[int, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: int, now: float | None = None) -> int | None:
        """None when the call may go ahead (and counts it); otherwise the whole seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= self.limit:
                return max(1, math.ceil(calls[0] + self.window - now))
            calls.append(now)
            return None
