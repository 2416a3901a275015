"""Access logs without query strings: search terms and filters are case data, and the
uvicorn access log sits outside the audit log's access control and retention."""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


def strip_query(target: str) -> str:
    return target.split("?", 1)[0].split("#", 1)[0]


class DropQueryString(logging.Filter):
    """Rewrites uvicorn's access record (client, method, path?query, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], strip_query(args[2]), *args[3:])
        elif isinstance(record.msg, str) and "?" in record.msg and not args:
            record.msg = " ".join(
                strip_query(part) if part.startswith("/") else part
                for part in record.msg.split(" ")
            )
        return True


def install_access_log_filter() -> None:
    """Idempotent: attach the filter to uvicorn's access logger (in the process serving the
    app, whatever log config uvicorn was started with)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, DropQueryString) for f in logger.filters):
        logger.addFilter(DropQueryString())
