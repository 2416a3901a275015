"""JSON API for partner systems: submit a report, follow its status. Authenticated by the
organisation's API key (`Authorization: Bearer oovp_…`), not by a session, so no CSRF token is
involved; each key is rate-limited (429 with Retry-After)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from nlp.vocabulary import KNOWLEDGE, PARTNER, REPORT_STATUSES, REPORTER_URGENCY
from signals.partner.form import MAX_CONTACT, MAX_WHAT, MAX_WHEN, MAX_WHERE, ReportInput
from signals.partner.tokens import RateLimiter
from signals.services import partner as reports
from signals.services import partner_admin as admin
from signals.services.partner import Reporter
from signals.web.deps import DbSession, Forbidden, IdPath, NotAuthenticated, get_session
from signals.web.read_audit import audited_by_handler
from signals.web.schemas import error_responses
from signals.web.uow import form_refusal

_bearer = HTTPBearer(auto_error=False, description="API-sleutel van de partnerorganisatie")


def partner_system(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    session: Session = Depends(get_session),
) -> Reporter:
    """The partner system behind the key; 401 without a valid key, 429 over the limit."""
    if credentials is None or not credentials.credentials.strip():
        if request.session.get("uid"):
            # A logged-in person, not a partner system: this API is not theirs.
            raise Forbidden("Deze API is voor systemen van partners, met een API-sleutel.")
        raise NotAuthenticated()
    reporter = admin.reporter_for_token(session, credentials.credentials.strip()[:200])
    limiter = getattr(request.app.state, "partner_limiter", None)
    if limiter is None:
        per_minute = request.app.state.settings.partner_api_per_minute
        limiter = request.app.state.partner_limiter = RateLimiter(limit=per_minute)
    wait = limiter.check(reporter.api_token_id or 0)
    if wait is not None:
        raise HTTPException(
            429,
            f"Te veel verzoeken met deze sleutel. Probeer het over {wait} seconden opnieuw.",
            headers={"Retry-After": str(wait)},
        )
    return reporter


partner_system.roles = frozenset({PARTNER})  # type: ignore[attr-defined]
# Authenticated by a key in a header, never by the session cookie: a cross-site request cannot
# carry the key, so these routes need no CSRF token (the route-table tests read this mark).
partner_system.token_auth = True  # type: ignore[attr-defined]


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what: str = Field(..., max_length=MAX_WHAT * 2, description="Wat is gezien of gehoord")
    where: str = Field("", max_length=MAX_WHERE * 2, description="Waar (plaatsnaam, vrije tekst)")
    when: str = Field("", max_length=MAX_WHEN * 2, description="Wanneer, in gewone woorden")
    knowledge: Literal[KNOWLEDGE] = Field(..., description="zelf, gehoord of online")  # type: ignore[valid-type]
    urgency: Literal[REPORTER_URGENCY] = Field(..., description="laag, middel of hoog")  # type: ignore[valid-type]
    contact: str = Field("", max_length=MAX_CONTACT * 2, description="Contact voor vragen")


class ReportStatusOut(BaseModel):
    id: int
    number: str
    status: Literal[REPORT_STATUSES]  # type: ignore[valid-type]
    received_at: datetime


class HitOut(BaseModel):
    field: str
    kind: str
    start: int
    end: int
    text: str
    explanation: str


class RefusedOut(BaseModel):
    detail: str
    errors: dict[str, str] = Field(default_factory=dict)
    hits: list[HitOut] = Field(default_factory=list)


_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(
        {401: "Geen of een ongeldige API-sleutel", 404: "Geen melding van deze organisatie"}
    ),
    422: {"model": RefusedOut, "description": "Ongeldig, of persoonsgegevens gevonden"},
    **error_responses({429: "Te veel verzoeken (zie Retry-After)"}),
}

router = APIRouter(prefix="/api/partner", tags=["partner"], responses=_RESPONSES)


def _out(row: reports.OwnReport) -> ReportStatusOut:
    return ReportStatusOut(id=row.id, number=row.number, status=row.status,
                           received_at=row.created_at)


@router.post("/meldingen", status_code=201, response_model=ReportStatusOut)
def submit(
    request: Request, body: ReportIn, session: DbSession,
    reporter: Reporter = Depends(partner_system),
) -> Response | ReportStatusOut:
    """Een melding doen. Bevat de tekst iets dat op persoonsgegevens lijkt, dan wordt niets
    opgeslagen en komt 422 terug met de vondsten."""
    raw = ReportInput(body.what, body.where, body.when, body.knowledge, body.urgency, body.contact)
    with form_refusal(session) as refused:
        row = reports.submit_report(session, reporter, raw, settings=request.app.state.settings)
    error = refused.error
    if isinstance(error, reports.PersonalDataFound):
        hits = [
            HitOut(field=name, kind=h.kind, start=h.start, end=h.end, text=h.text,
                   explanation=h.explanation)
            for name, found in error.hits.items() for h in found
        ]
        return JSONResponse(RefusedOut(detail=error.message, hits=hits).model_dump(), 422)
    if isinstance(error, reports.ReportInvalid):
        return JSONResponse(RefusedOut(detail=error.message, errors=error.errors).model_dump(), 422)
    if error is not None:
        raise error
    return _out(reports.report_status_of(row))


@router.get(
    "/meldingen/{report_id}",
    response_model=ReportStatusOut,
    dependencies=[audited_by_handler("partner.report.view_own")],
)
def status(
    report_id: IdPath, session: DbSession, reporter: Reporter = Depends(partner_system)
) -> ReportStatusOut:
    """De status van een melding van de eigen organisatie: ontvangen, in behandeling of
    afgehandeld. Nooit wat de gemeente besloot."""
    return _out(reports.organisation_report(session, reporter, report_id))
