"""When to retry a failed request and how long to wait: which statuses are worth another try,
exponential backoff, and the server's Retry-After (honoured up to a cap, and never past the
source's deadline). Used by the HTTP fetch and by the Scrapy crawl alike."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from collectors.errors import FetchError
from collectors.limits import DeadlineExceeded

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_after_s(value: str | None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) in seconds from now; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff_s(base_s: float, retries_done: int) -> float:
    """Exponential backoff: `base_s`, then twice that, four times, ..."""
    return base_s * 2**retries_done


def wait_before_retry(
    problem: str,
    attempts: int,
    retry_after: float | None,
    *,
    backoff_base_s: float,
    max_retry_after_s: float,
    source_left: float | None,
    source_budget: float,
) -> float:
    """Seconds to wait before attempt `attempts + 1`. Raises FetchError when the server asks
    for a longer wait than we accept, DeadlineExceeded when the wait would outlast the source's
    deadline (`source_left` seconds left of `source_budget`)."""
    wait = backoff_s(backoff_base_s, attempts - 1)
    if retry_after is not None:
        if retry_after > max_retry_after_s:
            raise FetchError(
                f"{problem}; server asks to retry after {retry_after:.0f} s, "
                "which is longer than we wait; will try at the next poll"
            )
        wait = max(wait, retry_after)
    if source_left is not None and wait >= source_left:
        raise DeadlineExceeded(
            f"{problem}; no time left to retry within the source deadline of "
            f"{source_budget:g} s; will try again at the next poll"
        )
    return wait
