"""Elasticsearch failures as people should read them: a `SearchError` with a Dutch message that
says what to do, never a stack trace and never the credentials in a URL."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from elasticsearch import ApiError

from signals.search.base import SearchError

log = logging.getLogger(__name__)


def redacted(url: str) -> str:
    # Never echo credentials from a URL into a message a user or a log may see.
    parts = urlsplit(url)
    host = parts.hostname or url
    return f"{parts.scheme}://{host}:{parts.port}" if parts.port else f"{parts.scheme}://{host}"


def unreachable(url: str, exc: Exception) -> SearchError:
    """Connection refused, a timeout, TLS: the node at `url` is down or cannot be reached."""
    log.warning("elasticsearch unreachable at %s: %s", redacted(url), exc)
    return SearchError(
        f"De zoekindex (Elasticsearch op {redacted(url)}) is niet bereikbaar; "
        "probeer het later opnieuw of meld het aan de beheerder."
    )


def translate(exc: ApiError) -> SearchError:
    """An error answer of the cluster, by status."""
    status = exc.status_code
    log.warning("elasticsearch error %s: %s", status, exc)
    if status == 409:
        return SearchError(
            "Het document is intussen door een ander gewijzigd (versieconflict); "
            "laad het opnieuw en probeer het nog eens."
        )
    if status == 429:
        return SearchError(
            "De zoekindex (Elasticsearch) is overbelast (429 Too Many Requests); "
            "probeer het over een minuut opnieuw."
        )
    if status in (401, 403):
        return SearchError(
            "De applicatie mag niet bij de zoekindex (Elasticsearch weigert de inloggegevens)."
        )
    if status == 400:
        return SearchError(f"De zoekindex weigerde het verzoek: {exc.message}")
    return SearchError(f"Fout van de zoekindex (Elasticsearch, status {status}).")
