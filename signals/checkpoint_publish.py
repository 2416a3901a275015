"""Copies of each audit checkpoint outside this machine's disk: syslog and a webhook."""

from __future__ import annotations

import logging
import logging.handlers

import httpx

from signals.config import Settings

log = logging.getLogger(__name__)


def publish(settings: Settings, seq: int, line: str) -> None:
    """Copies of checkpoint `seq` (its signed JSON line) outside this machine's disk; best
    effort (the checkpoint file is the record of truth)."""
    if settings.audit_checkpoint_syslog:
        try:
            _syslog(settings.audit_checkpoint_syslog, line)
        except OSError as exc:
            log.error("audit checkpoint %s not sent to syslog: %s", seq, exc)
    if settings.audit_checkpoint_webhook:
        try:
            httpx.post(
                settings.audit_checkpoint_webhook,
                content=line.encode(),
                headers={"content-type": "application/json"},
                timeout=5.0,
            ).raise_for_status()
        except Exception as exc:  # noqa: BLE001 - a failed copy must not fail the request
            log.error("audit checkpoint %s not sent to webhook: %s", seq, exc)


def _syslog(target: str, line: str) -> None:
    address: str | tuple[str, int]
    if target.startswith("/"):
        address = target
    else:
        host, _, port = target.rpartition(":")
        address = (host or "127.0.0.1", int(port or 514))
    handler = logging.handlers.SysLogHandler(
        address=address, facility=logging.handlers.SysLogHandler.LOG_AUTH
    )
    try:
        handler.emit(
            logging.LogRecord(
                "oov-signals.audit",
                logging.WARNING,
                __file__,
                0,
                "oov-signals audit-checkpoint %s",
                (line,),
                None,
            )
        )
    finally:
        handler.close()
