"""How the collectors behave on the network: identity, limits and politeness."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_CONTACT = "oov-signals@almere.nl"


def default_user_agent(contact: str = DEFAULT_CONTACT) -> str:
    # Site owners must be able to see who is polling them and how to reach us.
    return f"oov-signals/0.1 (gemeente Almere, openbare orde; +mailto:{contact})"


@dataclass(slots=True)
class CollectorSettings:
    user_agent: str = field(default_factory=default_user_agent)
    contact: str = DEFAULT_CONTACT
    timeout_s: float = 20.0
    # Wall-clock deadline for one request (connect, headers and body), so a slow drip cannot
    # hold a worker: checked on every socket operation, not per chunk.
    max_fetch_s: float = 60.0
    # Wall-clock deadline for all requests of one feed or Telegram source in one poll
    # (robots.txt, redirects, retries and their waits, preview pages). A `page` crawl is
    # bounded by `crawl_timeout_s` (the crawl subprocess is stopped, then killed).
    max_source_s: float = 180.0
    max_bytes: int = 5 * 1024 * 1024
    per_domain_delay_s: float = 2.0
    retries: int = 2
    backoff_base_s: float = 1.0
    # A Retry-After longer than this is treated as "not now" instead of sleeping through it.
    max_retry_after_s: float = 120.0
    max_redirects: int = 5
    obey_robots: bool = True
    robots_cache_s: float = 3600.0
    # Undated items are skipped by default: an old post mistaken for a new one is a false alarm.
    keep_undated: bool = False
    # Remembered item ids per source (incremental collection without a database lookup).
    seen_limit: int = 1000
    max_workers: int = 4
    # Telegram preview pages fetched on a channel's first poll (no cursor yet).
    telegram_backfill_pages: int = 2
    # Extra seconds allowed for a Scrapy crawl subprocess on top of its own limits.
    crawl_timeout_s: float = 600.0

    @classmethod
    def from_defaults(
        cls, defaults: dict[str, object] | None, **overrides: object
    ) -> CollectorSettings:
        """Build settings from the optional `defaults:` block of sources.yml."""
        values: dict[str, object] = {}
        known = set(cls.__dataclass_fields__)
        for key, value in (defaults or {}).items():
            if key in known:
                values[key] = value
        values.update(overrides)
        if "contact" in values and "user_agent" not in values:
            values["user_agent"] = default_user_agent(str(values["contact"]))
        return cls(**values)  # type: ignore[arg-type]
