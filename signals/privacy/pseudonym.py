"""Author handles become keyed HMAC-SHA256 pseudonyms at intake.

Keys rotate per period (a calendar month by default): one handle gets a different pseudonym in
each period, so no long-term trail of an author can be built, and deleting a period's key file
once its data has expired makes leftover pseudonyms unlinkable. Keys live on disk outside the
database. `SIGNALS_PSEUDONYM_KEY`, when set, is one fixed key (production secret store)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from pathlib import Path

from signals.config import get_settings
from signals.privacy.keyfiles import read_key_file

STATIC_PERIOD = "static"


def normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").casefold()


def period_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


class Pseudonymizer:
    def __init__(self, key_dir: Path, static_key: str | None = None) -> None:
        self.key_dir = key_dir
        self.static_key = static_key.encode() if static_key else None
        self._cache: dict[str, bytes] = {}

    def _key_path(self, period: str) -> Path:
        return self.key_dir / f"pseudonym-{period}.key"

    def key_for(self, period: str, *, create: bool = True) -> bytes | None:
        if self.static_key is not None:
            return self.static_key
        if period in self._cache:
            return self._cache[period]
        stored = read_key_file(
            self._key_path(period), lambda: secrets.token_hex(32).encode(), create=create
        )
        if stored is None:
            return None
        key = bytes.fromhex(stored.decode())
        self._cache[period] = key
        return key

    def period(self, moment: datetime) -> str:
        return STATIC_PERIOD if self.static_key is not None else period_of(moment)

    def pseudonym(
        self, handle: str, source_id: str, moment: datetime, *, create: bool = True
    ) -> tuple[str, str] | None:
        """(pseudonym, period) for a handle at a moment; None when the period's key is gone."""
        period = self.period(moment)
        key = self.key_for(period, create=create)
        if key is None:
            return None
        message = f"{source_id}\x1f{normalise_handle(handle)}".encode()
        digest = hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
        return f"ps_{digest}", period

    def pseudonym_in_period(self, handle: str, source_id: str, period: str) -> str | None:
        """The pseudonym a handle had in one period, never creating a key (data-subject
        requests must not resurrect a shredded period)."""
        key = self.key_for(period, create=False)
        if key is None:
            return None
        message = f"{source_id}\x1f{normalise_handle(handle)}".encode()
        return "ps_" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]

    def periods(self) -> list[str]:
        if self.static_key is not None:
            return [STATIC_PERIOD]
        if not self.key_dir.exists():
            return []
        return sorted(
            p.stem.removeprefix("pseudonym-") for p in self.key_dir.glob("pseudonym-*.key")
        )

    def destroy_key(self, period: str) -> bool:
        """Crypto-shred one period: its pseudonyms can never be linked to a handle again."""
        self._cache.pop(period, None)
        path = self._key_path(period)
        if path.exists():
            path.unlink()
            return True
        return False


def from_settings() -> Pseudonymizer:
    settings = get_settings()
    return Pseudonymizer(settings.pseudonym_key_dir, settings.pseudonym_key)
