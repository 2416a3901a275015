"""Protocol pages and API: the active version, interventions on a signal, four-eyes approval."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from nlp.vocabulary import ROLES
from signals.db.models import ChosenIntervention, ProtocolVersion, Signal
from signals.protocol import (
    ProtocolActionError,
    ProtocolError,
    activate,
    decide_intervention,
    diff_protocols,
    find_version_file,
    load_protocol_file,
    protocol_of,
)
from signals.protocol.diff import ROLE_NL, STATUS_NL
from signals.protocol.escalation import intervention_view, propose
from signals.web.deps import (
    ANY_ROLE,
    CONTENT_ROLES,
    SUPERVISORS,
    CurrentUser,
    IdPath,
    add_nav_link,
    csrf_protect,
    get_session,
    render,
)
from signals.web.read_audit import audited
from signals.web.schemas import ErrorOut

router = APIRouter()
add_nav_link("Protocol", "/protocol", *ROLES)
add_nav_link("Goedkeuringen", "/interventies", "supervisor")

CATEGORY_NL = {
    "signaleren": "Signaleren",
    "communiceren": "Communiceren",
    "interveniëren": "Interveniëren",
}


def _helpers() -> dict:
    return {
        "legal_status_nl": lambda s: STATUS_NL.get(s, str(s)),
        "role_nl": lambda r: ROLE_NL.get(r, r),
        "category_nl": CATEGORY_NL,
    }


def _signal_or_404(session: Session, signal_id: int) -> Signal:
    signal = session.get(Signal, signal_id)
    if signal is None:
        raise HTTPException(404, f"Signaal {signal_id} bestaat niet.")
    return signal


@router.get("/protocol", include_in_schema=False, dependencies=[audited("protocol.view")])
def protocol_page(
    request: Request,
    user: CurrentUser = Depends(ANY_ROLE),
    session: Session = Depends(get_session),
) -> Response:
    versions = session.scalars(select(ProtocolVersion).order_by(ProtocolVersion.id)).all()
    active = next((v for v in versions if v.active), None)
    activated = [v for v in versions if v.activated_at is not None]
    changes = []
    for previous, current in zip(activated, activated[1:], strict=False):
        changes.append((current, diff_protocols(protocol_of(previous), protocol_of(current))))
    files = []
    directory = request.app.state.settings.protocol_dir
    for path in sorted(directory.glob("*.y*ml")):
        try:
            files.append((path.name, load_protocol_file(path).version, None))
        except ProtocolError as exc:
            files.append((path.name, None, "; ".join(exc.problems)))
    return render(
        request,
        "protocol/index.html",
        {
            "active": protocol_of(active) if active else None,
            "active_row": active,
            "versions": versions,
            "changes": list(reversed(changes)),
            "files": files,
            "flash": request.session.pop("flash", None),
            **_helpers(),
        },
    )


@router.post(
    "/protocol/activeren",
    include_in_schema=False,
    dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)],
)
def activate_form(
    request: Request,
    version: str = Form(..., max_length=64),
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    try:
        path = find_version_file(request.app.state.settings.protocol_dir, version)
        activate(session, path, actor=user.username, actor_role=user.role)
    except (ProtocolError, ProtocolActionError) as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    request.session["flash"] = f"Protocolversie {version} is nu actief."
    return RedirectResponse("/protocol", status_code=303)


@router.get(
    "/signalen/{signal_id}/interventies",
    include_in_schema=False,
    dependencies=[audited("intervention.view", target_type="signal", target_param="signal_id")],
)
def interventions_page(
    request: Request,
    signal_id: IdPath,
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> Response:
    signal = _signal_or_404(session, signal_id)
    return render(
        request,
        "protocol/interventions.html",
        {
            "s": signal,
            "view": intervention_view(session, signal),
            "flash": request.session.pop("flash", None),
            **_helpers(),
        },
    )


@router.post(
    "/signalen/{signal_id}/interventies",
    include_in_schema=False,
    dependencies=[Depends(CONTENT_ROLES), Depends(csrf_protect)],
)
async def interventions_form(
    request: Request,
    signal_id: IdPath,
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> Response:
    form = await request.form()
    ids = [str(v) for v in form.getlist("intervention")][:50]
    chosen = [(i, str(form.get(f"note_{i}", ""))[:2000]) for i in ids]
    signal = _signal_or_404(session, signal_id)
    try:
        propose(session, signal_id, chosen, actor=user.username, actor_role=user.role)
    except ProtocolActionError as exc:
        session.rollback()
        return render(
            request,
            "protocol/interventions.html",
            {
                "s": signal,
                "view": intervention_view(session, signal),
                "error": str(exc),
                **_helpers(),
            },
            409,
        )
    session.commit()
    request.session["flash"] = "Interventies vastgelegd."
    return RedirectResponse(f"/signalen/{signal_id}/interventies", status_code=303)


@router.get(
    "/interventies",
    include_in_schema=False,
    dependencies=[audited("intervention.list", purpose="vier ogen: goedkeuren")],
)
def approvals_page(
    request: Request,
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    pending = session.scalars(
        select(ChosenIntervention)
        .where(ChosenIntervention.approval_status == "pending")
        .order_by(ChosenIntervention.id)
    ).all()
    return render(
        request,
        "protocol/approvals.html",
        {"pending": pending, "flash": request.session.pop("flash", None), **_helpers()},
    )


@router.post(
    "/interventies/{chosen_id}/besluit",
    include_in_schema=False,
    dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)],
)
def approval_form(
    request: Request,
    chosen_id: IdPath,
    approve: str = Form(..., pattern="^(ja|nee)$"),
    note: str = Form("", max_length=2000),
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    try:
        decide_intervention(
            session,
            chosen_id,
            approve=approve == "ja",
            actor=user.username,
            actor_role=user.role,
            note=note,
        )
    except ProtocolActionError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    request.session["flash"] = "Besluit over de interventie vastgelegd."
    return RedirectResponse("/interventies", status_code=303)


# ---- JSON API -------------------------------------------------------------------------------


class InterventionChoice(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    proportionality_note: str = Field(min_length=1, max_length=2000)


class InterventionRequest(BaseModel):
    interventions: list[InterventionChoice] = Field(min_length=1, max_length=50)


class ApprovalRequest(BaseModel):
    approve: StrictBool  # 0, 1, "ja" are not booleans
    note: str = Field(default="", max_length=2000)


class SuggestionOut(BaseModel):
    id: str
    name: str
    category: str
    legal_basis: str
    legal_status: str
    approver_role: str | None
    preconditions: list[str]
    selectable: bool
    reason: str | None


class ChosenOut(BaseModel):
    id: int
    intervention_id: str
    protocol_version: str
    proportionality_note: str
    proposed_by: str
    approval_status: str
    decided_by: str | None


class InterventionsOut(BaseModel):
    protocol_version: str | None
    suggestions: list[SuggestionOut]
    chosen: list[ChosenOut]


def _chosen_out(row: ChosenIntervention) -> ChosenOut:
    return ChosenOut(
        id=row.id,
        intervention_id=row.intervention_id,
        protocol_version=row.protocol_version,
        proportionality_note=row.proportionality_note,
        proposed_by=row.proposed_by,
        approval_status=row.approval_status,
        decided_by=row.decided_by,
    )


def _interventions_out(session: Session, signal: Signal) -> InterventionsOut:
    view = intervention_view(session, signal)
    return InterventionsOut(
        protocol_version=view.protocol.version if view.protocol else None,
        suggestions=[
            SuggestionOut(
                id=s.intervention.id,
                name=s.intervention.name,
                category=s.intervention.category.value,
                legal_basis=s.intervention.legal_basis,
                legal_status=s.intervention.legal_status.value,
                approver_role=s.intervention.approver_role,
                preconditions=list(s.intervention.preconditions),
                selectable=s.selectable,
                reason=s.reason,
            )
            for s in view.suggestions
        ],
        chosen=[_chosen_out(c) for c in view.chosen],
    )


@router.get(
    "/api/signals/{signal_id}/interventions",
    dependencies=[audited("intervention.view", target_type="signal", target_param="signal_id")],
    response_model=InterventionsOut,
    responses={404: {"model": ErrorOut, "description": "Onbekend signaal"}},
)
def api_interventions(
    signal_id: IdPath,
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> InterventionsOut:
    return _interventions_out(session, _signal_or_404(session, signal_id))


@router.post(
    "/api/signals/{signal_id}/interventions",
    response_model=InterventionsOut,
    status_code=201,
    dependencies=[Depends(csrf_protect)],
    responses={
        404: {"model": ErrorOut, "description": "Onbekend signaal"},
        409: {"model": ErrorOut, "description": "Niet toegestaan volgens het protocol"},
    },
)
def api_propose(
    signal_id: IdPath,
    body: InterventionRequest,
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> InterventionsOut:
    signal = _signal_or_404(session, signal_id)
    try:
        propose(
            session,
            signal_id,
            [(c.id, c.proportionality_note) for c in body.interventions],
            actor=user.username,
            actor_role=user.role,
        )
    except ProtocolActionError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    return _interventions_out(session, signal)


@router.post(
    "/api/interventions/{chosen_id}/approval",
    response_model=ChosenOut,
    dependencies=[Depends(csrf_protect)],
    responses={
        404: {"model": ErrorOut, "description": "Onbekende interventie"},
        409: {"model": ErrorOut, "description": "Vier-ogen-regel of al besloten"},
    },
)
def api_approve(
    chosen_id: IdPath,
    body: ApprovalRequest,
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> ChosenOut:
    try:
        row = decide_intervention(
            session,
            chosen_id,
            approve=body.approve,
            actor=user.username,
            actor_role=user.role,
            note=body.note,
        )
    except ProtocolActionError as exc:
        session.rollback()
        status = 404 if "Onbekende" in str(exc) else 409
        raise HTTPException(status, str(exc)) from exc
    session.commit()
    return _chosen_out(row)
