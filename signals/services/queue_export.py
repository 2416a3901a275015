"""CSV export of the queue as filtered: signal fields and aggregates only.

Never post text, pseudonyms or authors: a row is what the queue row shows. The export is
audited with its filters and the number of rows.

Format: UTF-8 with a byte-order mark, `;` as separator, decimal comma. Dutch Excel opens a
double-clicked CSV with the system's list separator, which is `;` in a Dutch locale (the
comma is the decimal separator there), and it only reads the file as UTF-8 (ë, „”, —) when a
BOM is present; without both, every row lands in one column with garbled accents."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from nlp.vocabulary import LABEL_NL, NOTIFICATION_NL, STATUS_NL, TZ
from signals.config import Settings
from signals.db.models import Signal
from signals.db.types import utcnow
from signals.partner.counts import report_counts
from signals.queries import QueueFilters, queue_rows
from signals.services import Actor, record_as
from signals.services.search import backend_or_none
from signals.wording import event_time_in_figures

HEADER = (
    "id", "titel", "typen", "stadsdeel", "plaats", "moment", "ernst", "status",
    "aanmelding", "berichten", "bronnen", "partnermeldingen", "eerst gezien",
)
# A cell starting with one of these is a formula to a spreadsheet; collected titles are not
# trusted, so such a cell gets a leading apostrophe (shown as text, not run).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    content: bytes
    rows: int


def _local(value: datetime | None) -> str:
    return value.astimezone(TZ).strftime("%d-%m-%Y %H:%M") if value else ""


def _event_time(value: datetime | None, event_time_text: str | None) -> str:
    return event_time_in_figures(value, event_time_text) if value is not None else ""


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(s: Signal, partner_reports: int) -> list[str]:
    return [
        _cell(v)
        for v in (
            s.id,
            s.title,
            ", ".join(LABEL_NL.get(t, t) for t in (s.types or [])),
            s.district,
            s.place,
            _event_time(s.event_time, s.event_time_text),
            f"{s.severity:.2f}".replace(".", ","),
            STATUS_NL.get(s.status, s.status),
            NOTIFICATION_NL.get(s.notification_status or "", s.notification_status),
            s.post_count,
            s.source_count,
            partner_reports,
            _local(s.first_seen_at),
        )
    ]


def export_queue(
    session: Session, actor: Actor, settings: Settings, f: QueueFilters
) -> ExportFile:
    """Every signal the queue's filters select (not only one page), in the queue's order."""
    backend = backend_or_none(settings) if f.q else None
    return write_csv(session, actor, f.as_dict(), queue_rows(session, f, backend))


def write_csv(
    session: Session, actor: Actor, filters: dict[str, Any], rows: Iterable[Signal]
) -> ExportFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    reports = report_counts(session)
    for signal in rows:
        writer.writerow(_row(signal, reports.get(signal.id, 0)))
        count += 1
    record_as(
        session, actor, action="signal.export", target_type="signal",
        purpose="triage: export signalenlijst (csv)",
        details={"filters": filters, "rows": count, "format": "csv"},
    )
    stamp = utcnow().astimezone(TZ).strftime("%Y%m%d-%H%M")
    return ExportFile(f"signalen-{stamp}.csv", buffer.getvalue().encode("utf-8-sig"), count)
