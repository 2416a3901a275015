"""Boundary types of the collectors: what a source is, what it yields, what it remembers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator


class SourceKind(StrEnum):
    """The built-in kinds. Which kinds a source may have is `collectors.registry`'s to say, so
    `SourceConfig.kind` is a plain name, checked against the registry when sources load."""

    FEED = "feed"
    PAGE = "page"
    TELEGRAM_PUBLIC = "telegram_public"
    MASTODON_TAG = "mastodon_tag"
    REDDIT = "reddit"


class SourceConfig(BaseModel):
    """One entry of `config/sources.yml`. The legal fields are required by law, not by taste."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{1,63}$")
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]{1,31}$")
    url: HttpUrl
    name: str | None = None
    poll_interval_minutes: int = Field(default=15, ge=1, le=7 * 24 * 60)
    enabled: bool = True
    language: str = Field(default="nl", pattern=r"^[a-z]{2}$")
    purpose: str = Field(min_length=10)
    legal_basis: str = Field(min_length=5)
    public_because: str = Field(min_length=10)
    # Crawl limits for `page` and `telegram_public` sources.
    max_depth: int = Field(default=1, ge=0, le=5)
    max_pages: int = Field(default=50, ge=1, le=10_000)
    follow_pattern: str | None = None
    # Keep the plaintext author handle in the encrypted escrow (off by default; LEGAL.md).
    escrow_authors: bool = False

    @field_validator("purpose", "legal_basis", "public_because")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


@dataclass(slots=True)
class RawPost:
    """One item as collected, before privacy processing. `author` is plaintext and must
    never be stored or logged: intake replaces it with a pseudonym."""

    source_id: str
    url: str
    title: str
    text: str
    external_id: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    language: str | None = None


@dataclass(slots=True)
class SourceState:
    """What a source remembers between polls (persisted by the store)."""

    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None  # e.g. last seen Telegram message id
    # Items whose skip was reported already (compact JSON), so each is reported once.
    reported_skips: str | None = None


@dataclass(slots=True)
class ItemSkip:
    url: str | None
    reason: str
    # What identifies the item when `url` does not (e.g. a hash of an item without a link).
    key: str | None = None


@dataclass(slots=True)
class CollectResult:
    source_id: str
    posts: list[RawPost] = field(default_factory=list)
    state: SourceState | None = None
    error: str | None = None  # a source-level failure, human-readable
    skipped: list[ItemSkip] = field(default_factory=list)
    not_modified: bool = False
    latency_ms: float | None = None
    requests: int = 0
    repeated_skips: int = 0  # skips left out because an earlier poll reported them
