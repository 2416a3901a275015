"""The weekly driehoek briefing from the web app: choose a week, generate the HTML and PDF with
the briefing package, download the PDF, and see what changed in the protocol.

Only supervisors make and download briefings here (the CLI also lets an admin). Making one is
audited by `signals.briefing.write_briefing` ("briefing.generate"); a download is audited here
("briefing.download")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import SUPERVISOR
from signals.briefing import BriefingFiles, Week, write_briefing
from signals.config import Settings
from signals.dates_nl import MONTHS_NL, long_date, long_datetime
from signals.db.models import ProtocolVersion
from signals.errors import DomainError, NotAllowed, NotFound
from signals.protocol import diff_protocols, protocol_of
from signals.services import Actor, record_as

PURPOSE = "weekbriefing driehoek"
WEEKS_BACK = 12  # how far back the week choice goes


class InvalidWeek(DomainError):
    status_code = 422


@dataclass(frozen=True, slots=True)
class WeekOption:
    label: str  # "2026-W49"
    text: str  # "week 49: 30 november t/m 6 december 2026 (deze week)"


@dataclass(frozen=True, slots=True)
class BriefingFile:
    week: str
    pdf: Path
    made_at: str  # Dutch, Amsterdam time


@dataclass(frozen=True, slots=True)
class ProtocolChange:
    active: str | None  # version id
    active_since: str  # Dutch date
    previous: str | None
    lines: list[str]  # Dutch, from signals.protocol.diff_protocols


@dataclass(frozen=True, slots=True)
class BriefingPage:
    week: Week
    week_text: str
    weeks: list[WeekOption]
    file: BriefingFile | None  # the chosen week's PDF, if made
    protocol: ProtocolChange


def _require_supervisor(actor: Actor) -> None:
    if actor.role != SUPERVISOR:
        raise NotAllowed("Alleen een supervisor maakt en downloadt de weekbriefing.")


def parse_week(label: str | None, now: datetime | None = None) -> Week:
    """The ISO week "2026-W49"; without one, the current week (Amsterdam)."""
    if not label:
        return Week.containing(now or datetime.now(UTC))
    try:
        return Week.parse(label)
    except ValueError as exc:
        raise InvalidWeek(f"Kies een week als 2026-W49; '{label[:20]}' is geen week.") from exc


def week_text(week: Week, current: Week | None = None) -> str:
    first, last = week.monday, week.monday + timedelta(days=6)
    start = f"{first.day} {MONTHS_NL[first.month - 1]}"
    if first.year != last.year:
        start += f" {first.year}"
    text = f"week {week.number}: {start} t/m {long_date(last)}"
    return text + (" (deze week)" if current is not None and week == current else "")


def week_options(chosen: Week, now: datetime | None = None) -> list[WeekOption]:
    current = Week.containing(now or datetime.now(UTC))
    weeks = [current.shift(-n) for n in range(WEEKS_BACK + 1)]
    if chosen not in weeks:
        weeks.append(chosen)
    weeks.sort(key=lambda w: w.start, reverse=True)
    return [WeekOption(w.label, week_text(w, current)) for w in weeks]


def _pdf_path(settings: Settings, week: Week) -> Path:
    # The names signals.briefing.write_briefing gives its files.
    return settings.briefing_dir / f"briefing-{week.label}.pdf"


def existing_file(settings: Settings, week: Week) -> BriefingFile | None:
    path = _pdf_path(settings, week)
    if not path.is_file():
        return None
    made = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return BriefingFile(week.label, path, long_datetime(made))


def protocol_change(session: Session) -> ProtocolChange:
    """What changed between the active protocol version and the one active before it."""
    versions = session.scalars(
        select(ProtocolVersion)
        .where(ProtocolVersion.activated_at.is_not(None))
        .order_by(ProtocolVersion.activated_at, ProtocolVersion.id)
    ).all()
    active = next((v for v in versions if v.active), None)
    if active is None:
        return ProtocolChange(None, "", None, ["Er is nog geen protocolversie actief."])
    earlier = [v for v in versions if v is not active and v.activated_at <= active.activated_at]
    since = long_date(active.activated_at) if active.activated_at else ""
    if not earlier:
        return ProtocolChange(
            active.version_id,
            since,
            None,
            [f"Protocol {active.version_id} is de eerste versie; er is nog geen vorige om mee "
             "te vergelijken."],
        )
    previous = earlier[-1]
    old, new = protocol_of(previous), protocol_of(active)
    ids = {i.id for i in old.interventions} | {i.id for i in new.interventions}
    lines = [_without_id(line, ids) for line in diff_protocols(old, new)]
    return ProtocolChange(active.version_id, since, previous.version_id, lines)


def _without_id(line: str, ids: set[str]) -> str:
    """ "Gewijzigd: Noodbevel (noodbevel)" → "Gewijzigd: Noodbevel": the CLI's diff names the
    ids to type; a page names the interventions only."""
    for intervention_id in ids:
        marker = f" ({intervention_id})"
        if marker in line:
            return line.replace(marker, "", 1)
    return line


def briefing_page(
    session: Session,
    actor: Actor,
    settings: Settings,
    week_label: str | None,
    now: datetime | None = None,
) -> BriefingPage:
    _require_supervisor(actor)
    week = parse_week(week_label, now)
    current = Week.containing(now or datetime.now(UTC))
    return BriefingPage(
        week=week,
        week_text=week_text(week, current),
        weeks=week_options(week, now),
        file=existing_file(settings, week),
        protocol=protocol_change(session),
    )


def generate(
    session: Session, actor: Actor, settings: Settings, week_label: str | None
) -> BriefingFiles:
    """Write the week's HTML and PDF into the briefing folder; audited as "briefing.generate"
    by the briefing package, in this session."""
    _require_supervisor(actor)
    week = parse_week(week_label)
    return write_briefing(session, week, settings.briefing_dir, actor=actor)


def made_message(files: BriefingFiles) -> str:
    return f"De weekbriefing van {week_text(Week.parse(files.week))} is gemaakt."


def download(session: Session, actor: Actor, settings: Settings, week_label: str) -> Path:
    """The PDF of a week that was made before; the download is audited."""
    _require_supervisor(actor)
    week = parse_week(week_label)
    found = existing_file(settings, week)
    if found is None:
        raise NotFound(
            f"De weekbriefing van {week_text(week)} is nog niet gemaakt. Maak hem eerst."
        )
    record_as(
        session, actor, action="briefing.download", target_type="briefing", target_id=week.label,
        purpose=PURPOSE, details={"format": "pdf", "file": found.pdf.name},
    )
    return found.pdf
