"""Protocol pages and API: the active version, interventions on a signal, four-eyes approval."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter, Depends, Form, Request
from fastapi.types import DecoratedCallable
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.db.models import ChosenIntervention, ProtocolVersion
from signals.protocol import (
    Choice,
    ProtocolError,
    activate,
    diff_protocols,
    find_version_file,
    load_protocol_file,
    protocol_of,
)
from signals.protocol.diff import ROLE_NL, STATUS_NL
from signals.protocol.names import chosen_name
from signals.records import from_attributes
from signals.services import protocol as services
from signals.web.deps import (
    CONTENT_ROLES,
    SUPERVISORS,
    AnyUser,
    ContentUser,
    CurrentUser,
    DbSession,
    IdPath,
    SupervisorUser,
    csrf_protect,
    guarded,
    render,
)
from signals.web.read_audit import audited
from signals.web.rendering import redirect, take_flash
from signals.web.schemas import error_responses
from signals.web.uow import form_refusal

router = APIRouter()

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


def _render(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    """A protocol page: its context, the message the last form left, the protocol's words."""
    return render(
        request, name, {"flash": take_flash(request), **context, **_helpers()}, status_code
    )


@router.get("/protocol", include_in_schema=False, dependencies=[audited("protocol.view")])
def protocol_page(request: Request, user: AnyUser, session: DbSession) -> Response:
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
    return _render(
        request,
        "protocol/index.html",
        {
            "active": protocol_of(active) if active else None,
            "active_row": active,
            "versions": versions,
            "changes": list(reversed(changes)),
            "files": files,
        },
    )


@router.post("/protocol/activeren", include_in_schema=False, dependencies=guarded(SUPERVISORS))
def activate_form(
    request: Request, user: SupervisorUser, session: DbSession,
    version: str = Form(..., max_length=64),
) -> Response:
    # An invalid file (ProtocolError, 422) and a refusal by the rules (ProtocolActionError, 409)
    # are DomainErrors: the app's one handler shows them.
    path = find_version_file(request.app.state.settings.protocol_dir, version)
    activate(session, path, actor=user)
    return redirect(request, "/protocol", flash=f"Protocolversie {version} is nu actief.")


@router.get(
    "/signalen/{signal_id}/interventies",
    include_in_schema=False,
    dependencies=[audited("intervention.view", target_type="signal", target_param="signal_id")],
)
def interventions_page(
    request: Request, signal_id: IdPath, user: ContentUser, session: DbSession
) -> Response:
    page = services.interventions_page(session, user, signal_id)
    return _render_interventions(request, page, flash=take_flash(request))


def _render_interventions(
    request: Request,
    page: services.InterventionsPage,
    *,
    flash: str | None = None,
    error: str | None = None,
    form: FormState | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "protocol/interventions.html",
        {
            "s": page.signal,
            "page": page,
            "flash": flash,
            "error": error,
            "form": form or FormState(),
            "four_eyes": services.four_eyes_text,
            **_helpers(),
        },
        status_code,
    )


@dataclass(slots=True)
class FormState:
    """What the person ticked and typed, to show again when the form is refused."""

    ids: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    conditions: dict[str, set[int]] = field(default_factory=dict)

    def choices(self) -> list[Choice]:
        return [
            Choice(i, self.notes.get(i, ""), frozenset(self.conditions.get(i, set())))
            for i in self.ids
        ]

    def filled_not_chosen(self) -> list[str]:
        """Interventions with a weighing or a ticked condition, but not ticked themselves."""
        filled = {k for k, v in self.notes.items() if v.strip()} | {
            k for k, v in self.conditions.items() if v
        }
        return sorted(filled - set(self.ids))


def _form_state(form) -> FormState:
    state = FormState()
    for value in form.getlist("intervention")[:50]:
        key = str(value)[:64]
        if key in state.ids:
            continue
        state.ids.append(key)
    keys = {str(k)[len("note_") :] for k in form if str(k).startswith("note_")}
    keys |= {str(k)[len("cond_") :] for k in form if str(k).startswith("cond_")}
    for key in list(keys)[:50]:
        state.notes[key] = str(form.get(f"note_{key}", ""))[:2000]
        ticked = set()
        for value in form.getlist(f"cond_{key}")[:20]:
            if str(value).isdigit():
                ticked.add(int(value))
        state.conditions[key] = ticked
    return state


@router.post(
    "/signalen/{signal_id}/interventies",
    include_in_schema=False,
    dependencies=guarded(CONTENT_ROLES),
)
async def interventions_form(
    request: Request, signal_id: IdPath, user: ContentUser, session: DbSession
) -> Response:
    state = _form_state(await request.form())
    with form_refusal(session) as refused:
        services.propose(
            session,
            user,
            signal_id,
            state.choices(),
            filled_not_chosen=state.filled_not_chosen(),
        )
    if refused:
        if refused.status_code != 409:
            raise refused.error  # type: ignore[misc]  # unknown signal, role: the error page
        page = services.interventions_page(session, user, signal_id)
        return _render_interventions(
            request, page, error=refused.message, form=state, status_code=409
        )
    url = f"/signalen/{signal_id}/interventies"
    return redirect(request, url, flash="Interventies vastgelegd.")


@router.get(
    "/interventies",
    include_in_schema=False,
    dependencies=[audited("intervention.list", purpose="vier ogen: goedkeuren")],
)
def approvals_page(request: Request, user: SupervisorUser, session: DbSession) -> Response:
    pending = services.pending_approvals(session, user)
    return _render(request, "protocol/approvals.html", {"pending": pending})


@router.post(
    "/interventies/{chosen_id}/besluit",
    include_in_schema=False,
    dependencies=guarded(SUPERVISORS),
)
def approval_form(
    request: Request, chosen_id: IdPath, user: SupervisorUser, session: DbSession,
    approve: str = Form(..., pattern="^(ja|nee)$"), note: str = Form("", max_length=2000),
) -> Response:
    services.decide_approval(session, user, chosen_id, approve=approve == "ja", note=note)
    return redirect(request, "/interventies", flash="Besluit over de interventie vastgelegd.")


# ---- JSON API -------------------------------------------------------------------------------


class InterventionChoice(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    proportionality_note: str = Field(min_length=1, max_length=2000)
    # Indexes into the intervention's `preconditions` that the person found met: every one must
    # be, for the intervention to be recorded.
    conditions_met: list[int] = Field(default_factory=list, max_length=20)


class InterventionRequest(BaseModel):
    interventions: list[InterventionChoice] = Field(min_length=1, max_length=50)


class ApprovalRequest(BaseModel):
    approve: StrictBool  # 0, 1, "ja" are not booleans
    note: str = Field(default="", max_length=2000)


class SuggestionOut(BaseModel):
    rank: int
    id: str
    name: str
    category: str
    legal_basis: str
    legal_status: str
    approver_role: str | None
    preconditions: list[str]
    fit: str  # past | mogelijk | niet van toepassing | niet beschikbaar
    reason: str  # one line, Dutch
    selectable: bool  # only the protocol rules a measure out; chosen ones are listed in `chosen`


class ChosenOut(BaseModel):
    id: int
    intervention_id: str
    name: str
    protocol_version: str
    proportionality_note: str
    proposed_by: str
    approval_status: str
    approval: str  # the status in Dutch
    decided_by: str | None


class InterventionsOut(BaseModel):
    protocol_version: str | None
    suggestions: list[SuggestionOut]
    chosen: list[ChosenOut]


def _chosen_out(row: ChosenIntervention, name: str) -> ChosenOut:
    return from_attributes(ChosenOut, row, name=name, approval=services.approval_text(row))


def _interventions_out(page: services.InterventionsPage) -> InterventionsOut:
    standing = page.standing
    return InterventionsOut(
        protocol_version=page.protocol.version if page.protocol else None,
        suggestions=[
            from_attributes(
                SuggestionOut, r.intervention,
                rank=r.rank,
                category=r.intervention.category.value,
                legal_status=r.intervention.legal_status.value,
                preconditions=list(r.intervention.preconditions),
                fit=r.group_nl,
                reason=r.reason,
                selectable=r.selectable and r.intervention.id not in standing,
            )
            for r in page.ranked
        ],
        chosen=[_chosen_out(c.row, c.name) for c in page.chosen],
    )


def _api_page(session: Session, user: CurrentUser, signal_id: int) -> InterventionsOut:
    return _interventions_out(services.interventions_page(session, user, signal_id))


@router.get(
    "/api/signals/{signal_id}/interventions",
    dependencies=[audited("intervention.view", target_type="signal", target_param="signal_id")],
    response_model=InterventionsOut,
    responses=error_responses({404: "Onbekend signaal"}),
)
def api_interventions(signal_id: IdPath, user: ContentUser, session: DbSession) -> InterventionsOut:
    return _api_page(session, user, signal_id)


def _api_write(
    path: str, model: type[BaseModel], refusals: dict[int, str], status_code: int | None = None
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """A JSON write route: CSRF-checked, its refusals documented as ErrorOut."""
    return router.post(
        path,
        response_model=model,
        status_code=status_code,
        dependencies=[Depends(csrf_protect)],
        responses=error_responses(refusals),
    )


@_api_write(
    "/api/signals/{signal_id}/interventions",
    InterventionsOut,
    {404: "Onbekend signaal", 409: "Niet toegestaan volgens het protocol"},
    status_code=201,
)
def api_propose(
    signal_id: IdPath, body: InterventionRequest, user: ContentUser, session: DbSession
) -> InterventionsOut:
    choices = [
        Choice(c.id, c.proportionality_note, frozenset(c.conditions_met))
        for c in body.interventions
    ]
    services.propose(session, user, signal_id, choices)
    session.flush()
    return _api_page(session, user, signal_id)


@_api_write(
    "/api/interventions/{chosen_id}/approval",
    ChosenOut,
    {404: "Onbekende interventie", 409: "Vier-ogen-regel of al besloten"},
)
def api_approve(
    chosen_id: IdPath, body: ApprovalRequest, user: SupervisorUser, session: DbSession
) -> ChosenOut:
    row = services.decide_approval(
        session, user, chosen_id, approve=body.approve, note=body.note
    )
    return _chosen_out(row, chosen_name(row))
