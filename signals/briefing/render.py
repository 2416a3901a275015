"""Render the briefing to HTML (Jinja2, autoescaped) and PDF (WeasyPrint), and audit it."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from nlp.vocabulary import APPROVAL_NL, NOT_NOTIFIED, NOTIFIED, OUTSIDE_ALMERE, STATUS_NL
from signals.actor import Actor
from signals.audit import record_as
from signals.audit_checkpoints import latest_for
from signals.briefing.charts import TYPE_NL, grouped_bars
from signals.briefing.data import BriefingData, collect, local
from signals.briefing.week import Week, previous_week
from signals.config import get_settings
from signals.dates_nl import MONTHS_SHORT
from signals.db.session import get_engine, session_scope
from signals.private_files import write_private
from signals.protocol import version_protocol
from signals.wording import (
    CLOCK,
    DATE_ONLY,
    format_event_time,
    format_when,
    hour_as_written,
)


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("signals.briefing", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def plural(n: int, one: str, many: str) -> str:
    """ "1 bijeenkomst", "2 bijeenkomsten", "0 bijeenkomsten"."""
    return f"{n} {one if n == 1 else many}"


def _fmt_date(moment: datetime, shift_days: int = 0) -> str:
    day = local(moment + timedelta(days=shift_days))
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"  # type: ignore[union-attr]


def _fmt_dt(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return format_when(moment)


def render_html(session: Session, data: BriefingData) -> str:
    def intervention_name(version: str, intervention_id: str) -> str:
        protocol = version_protocol(session, version)
        item = protocol.get(intervention_id) if protocol else None
        return item.name if item else intervention_id

    chart = grouped_bars(
        [w.label for w in data.weeks], data.counts_by_type, "Signalen per type, laatste vijf weken"
    )
    return (
        _environment()
        .get_template("briefing.html")
        .render(
            d=data,
            chart_types=chart,
            type_nl=lambda label: TYPE_NL.get(label, label),
            status_nl=lambda status: STATUS_NL.get(status, status) if status else "—",
            plural=plural,
            notified=NOTIFIED,
            not_notified=NOT_NOTIFIED,
            outside_almere=OUTSIDE_ALMERE,
            approval_nl=lambda status: APPROVAL_NL.get(status, status),
            intervention_name=intervention_name,
            fmt_date=_fmt_date,
            fmt_dt=_fmt_dt,
            fmt_event=lambda m, text: format_event_time(m, text) if m else "moment onbekend",
            fmt_day=lambda m: format_when(m, DATE_ONLY),
            fmt_time=lambda m, precision=CLOCK: hour_as_written(m, precision) or "tijd onbekend",
            hours=lambda h: "—" if h is None else f"{h:.1f} uur".replace(".", ","),
            share=lambda s: "—" if s is None else f"{100 * s:.0f}%",
            # The last audit checkpoint up to the end of the week: the driehoek keeps a copy
            # outside the system (and regenerating the week gives the same line).
            checkpoint=latest_for(session, before=data.week.end),
            fmt_local=lambda m: f"{local(m):%d-%m-%Y %H:%M}",
        )
    )


def render_pdf(html: str) -> bytes:
    # WeasyPrint logs every CSS step at INFO; the briefing has nothing to learn from that.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    # Imported on use: WeasyPrint (Pango, fonts) takes seconds to load, and only the PDF needs it.
    from weasyprint import HTML

    return HTML(string=html).write_pdf(
        pdf_identifier=b"oov-signals-briefing", uncompressed_pdf=False
    )


@dataclass(frozen=True, slots=True)
class BriefingFiles:
    week: str
    html_path: Path
    pdf_path: Path
    html_sha256: str


def write_briefing(
    session: Session, week: Week, out_dir: Path, *, actor: Actor
) -> BriefingFiles:
    data = collect(session, week)
    html = render_html(session, data)
    # Briefings carry case content: 0600 files in a 0700 directory (signals.private_files).
    html_path = write_private(out_dir / f"briefing-{week.label}.html", html)
    pdf_path = write_private(out_dir / f"briefing-{week.label}.pdf", render_pdf(html))
    digest = hashlib.sha256(html.encode()).hexdigest()
    record_as(
        session, actor, action="briefing.generate",
        target_type="briefing", target_id=week.label, purpose="weekbriefing driehoek",
        details={"html_sha256": digest, "signals": sum(data.total_by_week[-1:])},
    )
    return BriefingFiles(week.label, html_path, pdf_path, digest)


def write_weekly_briefing(week: str | None = None) -> dict:
    """For the DAG: the given ISO week, or the week before now; into SIGNALS_BRIEFING_DIR."""
    settings = get_settings()
    target = Week.parse(week) if week else previous_week()
    system = Actor("system:briefing", "")  # the DAG: audited without a role, as before
    with session_scope(get_engine(settings.database_url)) as session:
        files = write_briefing(session, target, settings.briefing_dir, actor=system)
    return {
        "week": files.week,
        "html": str(files.html_path),
        "pdf": str(files.pdf_path),
        "html_sha256": files.html_sha256,
    }
