"""Pages of the partner reporting line: the report form (check, then confirm), a partner's own
reports with their status, the reporter's identity for supervisors, and the admins' page of
partner organisations, accounts and API keys."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup, escape
from sqlalchemy.orm import Session
from starlette.responses import Response

from nlp.vocabulary import (
    KNOWLEDGE_NL,
    ORGANISATION_KINDS_NL,
    REPORTER_URGENCY_NL,
)
from signals.auth import generate_password
from signals.partner.form import MAX_CONTACT, MAX_WHAT, MAX_WHEN, MAX_WHERE, ReportInput
from signals.partner.reading import place_names
from signals.services import partner as reports
from signals.services import partner_admin as admin
from signals.web.deps import (
    ADMINS,
    PARTNERS,
    AdminUser,
    CurrentUser,
    DbSession,
    IdPath,
    PartnerUser,
    SupervisorUser,
    guarded,
    render,
    templates,
)
from signals.web.read_audit import audited, audited_by_handler, not_audited
from signals.web.rendering import redirect, render_page
from signals.web.uow import form_refusal

router = APIRouter(include_in_schema=False)
# The signal page shows a signal's reports (partner/_signal_reports.html) in these words.
templates.env.globals.update(
    ORGANISATION_KINDS_NL=ORGANISATION_KINDS_NL,
    KNOWLEDGE_NL=KNOWLEDGE_NL,
    REPORTER_URGENCY_NL=REPORTER_URGENCY_NL,
)

# Form fields as the browser sends them (a huge body is refused before it is read further).
_FIELD_LIMIT = {"what": MAX_WHAT * 2, "where": MAX_WHERE * 2, "when": MAX_WHEN * 2,
                "contact": MAX_CONTACT * 2}


def marked(text: str, hits: list) -> Markup:
    """The text with each personal-data hit in <mark>, everything escaped."""
    out: list[str] = []
    at = 0
    for number, hit in enumerate(sorted(hits, key=lambda h: (h.start, h.end)), start=1):
        if hit.start < at:
            continue
        out.append(str(escape(text[at:hit.start])))
        out.append(
            f'<mark class="pii" id="treffer-{number}">{escape(text[hit.start:hit.end])}'
            f'<span class="visually-hidden"> (persoonsgegeven {number})</span></mark>'
        )
        at = hit.end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def _form_context(request: Request, report: ReportInput | None = None, **extra: object) -> dict:
    settings = request.app.state.settings
    return {
        "report": report or ReportInput(what=""),
        "places": place_names(),
        "knowledge_nl": KNOWLEDGE_NL,
        "urgency_nl": REPORTER_URGENCY_NL,
        "limits": {"what": MAX_WHAT, "where": MAX_WHERE, "when": MAX_WHEN,
                   "contact": MAX_CONTACT},
        "zvh_url": settings.zvh_casus_url,
        "zvh_phone": settings.zvh_casus_phone,
        "errors": {},
        **extra,
    }


def _report_form(
    what: str = Form("", max_length=_FIELD_LIMIT["what"]),
    where: str = Form("", max_length=_FIELD_LIMIT["where"]),
    when: str = Form("", max_length=_FIELD_LIMIT["when"]),
    knowledge: str = Form("", max_length=16),
    urgency: str = Form("", max_length=16),
    contact: str = Form("", max_length=_FIELD_LIMIT["contact"]),
) -> ReportInput:
    """The report form's fields, shared by the check and the confirm step."""
    return ReportInput(what, where, when, knowledge, urgency, contact)


@router.get("/melden", dependencies=[not_audited("an empty report form and place names")])
def form_page(request: Request, _user: PartnerUser) -> Response:
    return render(request, "partner/form.html", _form_context(request))


@router.post("/melden", dependencies=guarded(PARTNERS))
def check(
    request: Request, user: PartnerUser, session: DbSession,
    raw: ReportInput = Depends(_report_form), edit: str = Form("", max_length=1),
) -> Response:
    if edit:
        return render(request, "partner/form.html", _form_context(request, raw))
    reporter = reports.reporter_for(session, user)
    result = reports.check_report(session, reporter, raw)
    if result.errors:
        context = _form_context(request, result.report, errors=result.errors)
        return render(request, "partner/form.html", context, 422)
    if result.hits:
        return _hits_page(request, result.report, result.hits)
    return render(request, "partner/confirm.html", {
        **_form_context(request, result.report),
        "when": result.when,
    })


def _hits_page(request: Request, report: ReportInput, hits: dict[str, list]) -> Response:
    shown = {name: marked(getattr(report, name), found) for name, found in hits.items()}
    listed = [hit for name in ("what", "where", "when") for hit in hits.get(name, [])]
    context = _form_context(request, report, hits=hits, shown=shown, listed=listed)
    return render(request, "partner/hits.html", context, 422)


@router.post("/melden/bevestigen", dependencies=guarded(PARTNERS))
def confirm(
    request: Request, user: PartnerUser, session: DbSession,
    raw: ReportInput = Depends(_report_form),
) -> Response:
    reporter = reports.reporter_for(session, user)
    with form_refusal(session) as refused:
        row = reports.submit_report(session, reporter, raw, settings=request.app.state.settings)
    if isinstance(refused.error, reports.PersonalDataFound):
        return _hits_page(request, raw, refused.error.hits)
    if isinstance(refused.error, reports.ReportInvalid):
        context = _form_context(request, raw, errors=refused.error.errors)
        return render(request, "partner/form.html", context, 422)
    if refused.error is not None:
        raise refused.error
    return RedirectResponse(f"/mijn-meldingen/{row.id}?nieuw=1", status_code=303)


@router.get("/mijn-meldingen", dependencies=[audited("partner.report.list_own")])
def my_reports(request: Request, user: PartnerUser, session: DbSession) -> Response:
    rows = reports.own_reports(session, user)
    return render(request, "partner/mine.html", {"reports": rows})


@router.get(
    "/mijn-meldingen/{report_id}",
    dependencies=[audited("partner.report.view_own", target_type="partner_report",
                          target_param="report_id")],
)
def my_report(
    request: Request, report_id: IdPath, user: PartnerUser, session: DbSession
) -> Response:
    row = reports.own_report(session, user, report_id)
    fresh = request.query_params.get("nieuw") == "1"
    return render(request, "partner/report.html", {"r": row, "fresh": fresh})


@router.get(
    "/signalen/{signal_id}/meldingen/{report_id}/melder",
    dependencies=[audited_by_handler("partner.reporter.view")],
)
def reporter_page(
    request: Request, signal_id: IdPath, report_id: IdPath, user: SupervisorUser, session: DbSession
) -> Response:
    who = reports.reporter_identity(session, user, signal_id, report_id)
    return render(request, "partner/reporter.html", {
        "who": who, "signal_id": signal_id, "kinds_nl": ORGANISATION_KINDS_NL,
    })


# --- admins: organisations, accounts, keys --------------------------------------------------


def _admin_page(request: Request, session: Session, user: CurrentUser, status: int = 200, *,
                error: str | None = None, **extra: object) -> Response:
    context = {"orgs": admin.list_organisations(session, user), "kinds_nl": ORGANISATION_KINDS_NL}
    return render_page(
        request, "partner/admin.html", {**context, **extra}, error=error, status=status
    )


@router.get("/partners", dependencies=[audited("partner.organisation.list", purpose="beheer")])
def admin_page(request: Request, user: AdminUser, session: DbSession) -> Response:
    return _admin_page(request, session, user)


@router.post("/partners", dependencies=guarded(ADMINS))
def add_organisation(
    request: Request, user: AdminUser, session: DbSession,
    name: str = Form(..., max_length=128), kind: str = Form(..., max_length=16),
) -> Response:
    with form_refusal(session) as refused:
        admin.create_organisation(session, user, name, kind)
    if refused:
        return _admin_page(request, session, user, refused.status_code, error=refused.message)
    return redirect(request, "/partners", flash=f"Organisatie {name.strip()} toegevoegd.")


@router.post("/partners/{org_id}/accounts", dependencies=guarded(ADMINS))
def add_account(
    request: Request, org_id: IdPath, user: AdminUser, session: DbSession,
    username: str = Form(..., max_length=64),
) -> Response:
    password = generate_password()
    with form_refusal(session) as refused:
        admin.create_partner_account(
            session, user, username, org_id, password,
            settings=request.app.state.settings,
        )
    if refused:
        return _admin_page(request, session, user, refused.status_code, error=refused.message)
    return _admin_page(request, session, user, created=(username.strip(), password))


@router.post("/partners/{org_id}/sleutels", dependencies=guarded(ADMINS))
def add_token(
    request: Request, org_id: IdPath, user: AdminUser, session: DbSession,
    label: str = Form("", max_length=128),
) -> Response:
    with form_refusal(session) as refused:
        row, token = admin.create_token(session, user, org_id, label)
    if refused:
        return _admin_page(request, session, user, refused.status_code, error=refused.message)
    return _admin_page(request, session, user, new_token=(row.prefix, token))


@router.post(
    "/partners/sleutels/{token_id}/intrekken",
    dependencies=guarded(ADMINS),
)
def revoke_token(
    request: Request, token_id: IdPath, user: AdminUser, session: DbSession
) -> Response:
    row = admin.revoke_token(session, user, token_id)
    return redirect(request, "/partners", flash=f"Sleutel {row.prefix}… ingetrokken.")
