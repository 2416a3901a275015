"""Partner reports (meldingen): check, submit, follow; and who may see the reporter.

A report is checked before anything is stored: invalid fields and text that looks like personal
data (`signals.partner.pii`) are returned to the reporter, and only the text the reporter then
confirms is kept. A confirmed report is read by the NLP, filed under the signal of its gathering
(`signals.partner.joining`) and from then on triaged, decided, retained and audited as that
signal. The reporter learns the status only (ontvangen / in behandeling / afgehandeld), never
what was decided; the reporter's identity is shown to supervisors only, and every look is
audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import (
    PARTNER,
    REPORT_RECEIVED,
    REPORT_STATUS_OF_SIGNAL,
    SUPERVISOR,
)
from signals.alerts import send_alerts
from signals.config import Settings
from signals.db.models import Signal, User
from signals.db.partner_models import PartnerAccount, PartnerOrganisation, PartnerReport
from signals.db.types import utcnow
from signals.db.unit_of_work import after_commit, keep
from signals.errors import DomainError, NotAllowed, NotFound
from signals.indexing import index_signals
from signals.partner.form import CHECKED_FIELDS, ReportInput, cleaned, errors_of
from signals.partner.joining import file_report, rescore
from signals.partner.pii import find_personal_data
from signals.partner.reading import PlaceReading, WhenReading, read_report, read_when
from signals.records import from_attributes
from signals.search import get_backend
from signals.services import Actor, record_as
from signals.switches import autotag_enabled

# The purpose of every audit record of the reporting line's own acts.
REPORT_PURPOSE = "melding partner"


class ReportInvalid(DomainError):
    """Fields missing or wrong; `errors` says which, per field."""

    status_code = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("De melding is niet compleet. Kijk de gemarkeerde velden na.")
        self.errors = errors


class PersonalDataFound(DomainError):
    """Text that looks like personal data; nothing was stored."""

    status_code = 422

    def __init__(self, hits: dict[str, list]) -> None:
        super().__init__(
            "Uw melding lijkt persoonsgegevens te bevatten. Haal die weg en stuur de melding "
            "opnieuw; er is niets opgeslagen."
        )
        self.hits = hits


@dataclass(slots=True)
class ReportCheck:
    """What the reporter sees before confirming: errors, personal-data hits per field, and how
    the place and time were read."""

    report: ReportInput
    errors: dict[str, str] = field(default_factory=dict)
    hits: dict[str, list] = field(default_factory=dict)
    when: WhenReading | None = None
    place: PlaceReading | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.hits


@dataclass(frozen=True, slots=True)
class Reporter:
    """Who reports: a partner account, or a partner system by its API key."""

    organisation: PartnerOrganisation
    username: str  # the account, or "api:<key prefix>" for a partner system
    user_id: int | None = None
    api_token_id: int | None = None

    @property
    def channel(self) -> str:
        return "api" if self.api_token_id is not None else "web"

    @property
    def actor(self) -> Actor:
        """Who the audit trail names: the account or the key, always in the partner role."""
        return Actor(self.username, PARTNER, self.user_id)

    def columns(self) -> dict[str, Any]:
        """Who reported, as the report row stores it."""
        return {
            "organisation_id": self.organisation.id, "organisation_kind": self.organisation.kind,
            "reporter_id": self.user_id, "api_token_id": self.api_token_id,
            "channel": self.channel,
        }


def organisation_of(session: Session, actor: Actor) -> PartnerOrganisation:
    """The organisation a partner account belongs to; refused for any other account."""
    if actor.role != PARTNER or actor.id is None:
        raise NotAllowed("Alleen partners kunnen melden.")
    row = session.get(PartnerAccount, actor.id)
    if row is None or not row.organisation.active:
        raise NotAllowed("Uw account hoort niet (meer) bij een actieve partnerorganisatie.")
    return row.organisation


def reporter_for(session: Session, actor: Actor) -> Reporter:
    return Reporter(organisation_of(session, actor), actor.username, user_id=actor.id)


def _hits(report: ReportInput) -> dict[str, list]:
    found: dict[str, list] = {}
    for name in CHECKED_FIELDS:
        hits = find_personal_data(getattr(report, name))
        if hits:
            found[name] = hits
    return found


def check_report(
    session: Session, reporter: Reporter, raw: ReportInput, now: datetime | None = None
) -> ReportCheck:
    """Validate and look for personal data; store nothing. The check itself is audited (which
    kinds of personal data were found, never the text)."""
    now = now or utcnow()
    report = cleaned(raw)
    check = ReportCheck(report=report, errors=errors_of(report))
    if not check.errors:
        check.hits = _hits(report)
        check.when = read_when(report.when, now) if report.when else None
    record_as(
        session, reporter.actor, action="partner.report.check", target_type="partner_organisation",
        target_id=reporter.organisation.id, purpose=REPORT_PURPOSE,
        details={
            "channel": reporter.channel,
            "fields": sorted(check.errors),
            "hits": sorted({h.kind for hits in check.hits.values() for h in hits}),
        },
    )
    return check


def submit_report(session: Session, reporter: Reporter, raw: ReportInput, *,
                  settings: Settings | None = None, now: datetime | None = None) -> PartnerReport:
    """Store a confirmed report and file it under its signal. The checks run again here: what
    reaches the store is what passed them, whatever the client sent."""
    now = now or utcnow()
    report = cleaned(raw)
    errors = errors_of(report)
    if errors:
        raise ReportInvalid(errors)
    hits = _hits(report)
    if hits:
        kinds = sorted({h.kind for found in hits.values() for h in found})
        org_id, who, channel = reporter.organisation.id, reporter.actor, reporter.channel

        def refusal(target: Session) -> None:
            record_as(
                target, who, action="partner.report.refused", target_type="partner_organisation",
                target_id=org_id, purpose=REPORT_PURPOSE,
                details={"channel": channel, "hits": kinds},
            )

        keep(session, refusal)
        raise PersonalDataFound(hits)
    reading = read_report(report.what, report.where, report.when, now, tag=autotag_enabled(session))
    signal, created, met_online = file_report(session, reading, now)
    row = PartnerReport(
        signal_id=signal.id,
        **reporter.columns(),
        what=report.what, place_text=report.where, when_text=report.when,
        knowledge=report.knowledge, urgency=report.urgency, contact=report.contact or None,
        **reading.columns(),
        met_online=met_online,
        created_at=now,
    )
    session.add(row)
    session.flush()
    rescore(session, signal, now, created=created)
    record_as(
        session, reporter.actor, action="partner.report.create", target_type="partner_report",
        target_id=row.id, purpose=REPORT_PURPOSE,
        details={
            "channel": reporter.channel,
            "signal_id": signal.id,
            "new_signal": created,
            "met_online": met_online,
        },
    )
    _mirror(session, signal.id, settings)
    return row


def _mirror(session: Session, signal_id: int, settings: Settings | None) -> None:
    """Index and alert as the pipeline does for a new or grown signal, once the report is
    committed. The index is a mirror and an alert a courtesy: a failure is logged (by the unit
    of work), never a lost report."""
    if settings is None:
        return

    def index(target: Session) -> None:
        index_signals(target, get_backend(settings), [signal_id])

    def alert(target: Session) -> None:
        send_alerts(target, [signal_id], settings)

    after_commit(session, index)
    after_commit(session, alert)


def report_status(signal: Signal | None) -> str:
    """What the reporter is told: received, in progress or done. Nothing about the decision."""
    if signal is None:
        return REPORT_RECEIVED
    return REPORT_STATUS_OF_SIGNAL.get(signal.status, REPORT_RECEIVED)


@dataclass(frozen=True, slots=True)
class OwnReport:
    """A report as its reporter sees it again: their own words and the status, nothing else."""

    id: int
    number: str
    created_at: datetime
    what: str
    place_text: str
    when_text: str
    status: str


def _own(row: PartnerReport) -> OwnReport:
    return from_attributes(OwnReport, row, status=report_status(row.signal))


def report_status_of(row: PartnerReport) -> OwnReport:
    """A just-stored report as its reporter may see it."""
    return _own(row)


def own_reports(session: Session, actor: Actor) -> list[OwnReport]:
    org = organisation_of(session, actor)
    rows = session.scalars(
        select(PartnerReport)
        .where(PartnerReport.reporter_id == actor.id, PartnerReport.organisation_id == org.id)
        .order_by(PartnerReport.id.desc())
    ).all()
    return [_own(row) for row in rows]


def own_report(session: Session, actor: Actor, report_id: int) -> OwnReport:
    """One of the actor's own reports; any other report does not exist for them."""
    organisation_of(session, actor)
    row = session.get(PartnerReport, report_id)
    if row is None or row.reporter_id != actor.id:
        raise NotFound("Deze melding bestaat niet.")
    return _own(row)


def organisation_report(session: Session, reporter: Reporter, report_id: int) -> OwnReport:
    """A report of the reporter's organisation, as a partner system may follow it; another
    organisation's report does not exist for it. Audited like a partner's own look."""
    row = session.get(PartnerReport, report_id)
    if row is None or row.organisation_id != reporter.organisation.id:
        raise NotFound("Deze melding bestaat niet.")
    record_as(
        session, reporter.actor, action="partner.report.view_own", target_type="partner_report",
        target_id=row.id, purpose=REPORT_PURPOSE, details={"channel": reporter.channel},
    )
    return _own(row)


@dataclass(frozen=True, slots=True)
class ReporterIdentity:
    report_number: str
    organisation: str
    organisation_kind: str
    account: str | None
    channel: str
    contact: str | None


def reporter_identity(
    session: Session, actor: Actor, signal_id: int, report_id: int
) -> ReporterIdentity:
    """Who made a report: supervisors only, and each look is audited with its target."""
    if actor.role != SUPERVISOR:
        raise NotAllowed("Alleen een supervisor kan zien wie een melding deed.")
    row = session.get(PartnerReport, report_id)
    if row is None or row.signal_id != signal_id:
        raise NotFound("Deze melding bestaat niet.")
    account = session.get(User, row.reporter_id) if row.reporter_id else None
    record_as(
        session, actor, action="partner.reporter.view", target_type="partner_report",
        target_id=row.id, purpose="melder van een melding inzien", details={"signal_id": signal_id},
    )
    return ReporterIdentity(
        report_number=row.number,
        organisation=row.organisation.name if row.organisation else "onbekend",
        organisation_kind=row.organisation_kind,
        account=account.username if account else None,
        channel=row.channel,
        contact=row.contact,
    )
