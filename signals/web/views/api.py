"""JSON API under /api, mirroring the pages. Same session cookie; state-changing calls need
the X-CSRF-Token header (GET /api/me returns the token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session

from signals.db.models import RegisterEntry, Signal, User
from signals.health import source_health
from signals.register.entries import list_entries
from signals.services import audit_log, users
from signals.services import queue as queue_service
from signals.services import register as register_service
from signals.services import signals as signal_service
from signals.services.corrections import correct_label, signal_corrections
from signals.triage import DecisionRequest, allowed_transitions
from signals.web.deps import (
    ADMINS,
    CONTENT_ROLES,
    SUPERVISORS,
    AdminUser,
    AnyUser,
    AuditorUser,
    ContentUser,
    DbSession,
    IdPath,
    SupervisorUser,
    csrf_token,
    guarded,
)
from signals.web.read_audit import audited, audited_by_handler, not_audited
from signals.web.schemas import (
    AuditEventOut,
    AuditList,
    DecisionIn,
    DecisionOut,
    LabelCorrectionOut,
    LabelIn,
    LabelOut,
    MeOut,
    NoteOut,
    PostOut,
    RegisterEntryIn,
    RegisterEntryOut,
    RegisterEntryUpdate,
    RoleGrantIn,
    SignalDetailOut,
    SignalList,
    SignalSummary,
    UnprocessableOut,
    UserCreated,
    UserIn,
    UserOut,
    UserPatch,
    VerifyOut,
    error_responses,
)
from signals.wording import precision_name

_ERRORS = error_responses(
    {
        400: "Ongeldig verzoek (bijv. onleesbare body)",
        401: "Niet ingelogd",
        403: "Geen toegang voor deze rol, of CSRF-token ontbreekt",
    }
)
_NOT_FOUND = error_responses({404: "Bestaat niet"})
_CONFLICT = error_responses({409: "Verouderd of niet toegestaan (conflict)"})

_UNPROCESSABLE: dict[int | str, dict[str, Any]] = {
    422: {"model": UnprocessableOut, "description": "Ongeldige of onvolledige invoer"}
}

router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)


def _summary(s: Signal) -> SignalSummary:
    """A signal as listed; the precision of its time is read from its words, not stored."""
    summary = SignalSummary.model_validate(s)
    return summary.model_copy(
        update={"event_time_precision": precision_name(s.event_time, s.event_time_text)})


@router.get("/me", response_model=MeOut,
            dependencies=[not_audited("the caller's own name, role and CSRF token")])
def me(request: Request, user: AnyUser) -> MeOut:
    return MeOut(username=user.username, role=user.role, csrf_token=csrf_token(request))


@router.get(
    "/signals",
    response_model=SignalList,
    dependencies=[audited_by_handler("signal.list")],  # "search" with a query
)
def list_signals(
    request: Request, user: ContentUser, session: DbSession,
    status: str | None = Query(None, max_length=16, description="open, all of een status"),
    type: str | None = Query(None, max_length=32),
    district: str | None = Query(None, max_length=64),
    date_from: str | None = Query(None, max_length=10, description="JJJJ-MM-DD"),
    date_to: str | None = Query(None, max_length=10, description="JJJJ-MM-DD"),
    q: str | None = Query(None, max_length=200, description="Volledige-tekst-zoekopdracht"),
    page: int = Query(1, ge=1, le=100000),
) -> SignalList:
    f = queue_service.build_filters(status, type, district, date_from, date_to, q, page)
    result = queue_service.list_queue(
        session, user, request.app.state.settings, f, channel="api"
    )
    note = result.search_error or (
        "zoekindex niet beschikbaar; alleen titels en plaatsen doorzocht"
        if result.search_fallback
        else None
    )
    return SignalList(
        items=[_summary(s) for s in result.items],
        total=result.total,
        page=result.page,
        pages=result.pages,
        page_size=50,
        counts=result.counts,
        snippets={str(k): v for k, v in result.snippets.items()},
        search_note=note,
    )


@router.get("/signals/{signal_id}", response_model=SignalDetailOut, responses=_NOT_FOUND,
            dependencies=[audited_by_handler("signal.view")])
def get_signal(signal_id: IdPath, user: ContentUser, session: DbSession) -> SignalDetailOut:
    detail = signal_service.view_signal(session, user, signal_id, channel="api")
    s = detail.signal
    posts = []
    aliases = signal_service.author_aliases([view.post.author_pseudonym for view in detail.posts])
    for view, alias in zip(detail.posts, aliases, strict=True):
        e = view.enrichment
        explanations = (e.explanations or {}) if e else {}
        posts.append(
            PostOut(
                id=view.post.id,
                source_id=view.post.source_id,
                url=view.post.url,
                title=view.post.title,
                text=view.post.text,
                author_alias=alias,
                published_at=view.post.published_at,
                fetched_at=view.post.fetched_at,
                model_version=e.model_version if e else None,
                labels={
                    name: LabelOut(
                        p=float(score.get("p", 0.0)),
                        flag=bool(score.get("flag")),
                        terms=[(str(t[0]), float(t[1])) for t in explanations.get(name, [])],
                    )
                    for name, score in ((e.labels or {}) if e else {}).items()
                },
                evidence=list(e.evidence or []) if e else [],
                places=list(e.places or []) if e else [],
                event_time=e.event_time if e else None,
                event_time_text=e.event_time_text if e else None,
                event_time_precision=precision_name(e.event_time, e.event_time_text) if e
                else None,
            )
        )
    base = _summary(s).model_dump()
    return SignalDetailOut(
        **base,
        in_almere=s.in_almere,
        event_time_text=s.event_time_text,
        severity_breakdown=s.severity_breakdown or {},
        register_entry=s.register_entry,
        allowed_transitions=list(allowed_transitions(s.status)),
        posts=posts,
        decisions=[DecisionOut.model_validate(d) for d in detail.decisions],
        label_corrections=[
            LabelCorrectionOut.model_validate(c) for c in signal_corrections(session, s.id)
        ],
        assigned_to=s.assigned_to,
        notes=[NoteOut.model_validate(n) for n in detail.notes],
    )


@router.post(
    "/signals/{signal_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    dependencies=guarded(CONTENT_ROLES),
    responses={
        **_NOT_FOUND,
        **_CONFLICT,
        422: {
            "model": UnprocessableOut,
            "description": "Besluit onvolledig (bijv. toelichting ontbreekt) of ongeldige invoer",
        },
    },
)
def post_decision(
    request: Request, signal_id: IdPath, body: DecisionIn, user: ContentUser, session: DbSession
) -> DecisionOut:
    decision = signal_service.decide(
        session,
        user,
        request.app.state.settings,
        DecisionRequest(
            signal_id,
            body.to_status,
            body.version,
            rationale=body.rationale,
            reason_code=body.reason_code,
        ),
    )
    return DecisionOut.model_validate(decision)


@router.post("/posts/{post_id}/labels", response_model=LabelCorrectionOut, status_code=201,
             dependencies=guarded(CONTENT_ROLES), responses=_NOT_FOUND)
def post_label(
    request: Request, post_id: IdPath, body: LabelIn, user: ContentUser, session: DbSession
) -> LabelCorrectionOut:
    outcome = correct_label(
        session,
        user,
        post_id,
        body.label,
        body.value,
        note=body.note,
        settings=request.app.state.settings,
    )
    return LabelCorrectionOut.model_validate(outcome.correction)


@router.get("/audit", response_model=AuditList, dependencies=[audited_by_handler("audit.query")])
def get_audit(
    user: AuditorUser, session: DbSession,
    actor: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    signal_id: int | None = Query(None, ge=1, le=2**62),
    date_from: str | None = Query(None, max_length=10, description="JJJJ-MM-DD"),
    date_to: str | None = Query(None, max_length=10, description="JJJJ-MM-DD"),
    page: int = Query(1, ge=1, le=100000),
) -> AuditList:
    f = audit_log.AuditFilters.parse(actor, action, signal_id, date_from, date_to, page)
    items, total, pages = audit_log.query_log(session, user, f, channel="api")
    return AuditList(
        items=[AuditEventOut.model_validate(e) for e in items],
        total=total,
        page=f.page,
        pages=pages,
    )


@router.get(
    "/audit/verify", response_model=VerifyOut, dependencies=[audited_by_handler("audit.verify")]
)
def get_verify(user: AuditorUser, session: DbSession) -> VerifyOut:
    result = audit_log.verify_chain(session, user)
    return VerifyOut(
        ok=result.ok,
        checked=result.checked,
        first_broken_id=result.first_broken_id,
        reason=result.reason,
        problems=list(result.problems),
        checkpoints=result.checkpoints,
    )


def _user_out(session: Session, row: User) -> UserOut:
    out = UserOut.model_validate(row)
    out.pending_role = users.pending_role(session, row)
    return out


@router.get(
    "/users", response_model=list[UserOut], dependencies=[audited("user.list", purpose="beheer")]
)
def get_users(_user: AdminUser, session: DbSession) -> list[UserOut]:
    found = users.overview(session)
    return [
        UserOut.model_validate(u).model_copy(update={"pending_role": found.pending.get(u.id)})
        for u in found.users
    ]


@router.post("/users", response_model=UserCreated, status_code=201, dependencies=guarded(ADMINS),
             responses=_CONFLICT)
def post_user(request: Request, body: UserIn, user: AdminUser, session: DbSession) -> UserCreated:
    """A supervisor or admin is created disabled, with `pending_role`, until a second admin
    approves (POST /api/users/{username}/role-grant)."""
    created, password = users.create_user(
        session, user, request.app.state.settings, body.username, body.role, body.password
    )
    out = UserCreated.model_validate(created)
    out.pending_role = users.pending_role(session, created)
    out.password = None if body.password else password
    return out


# A change to one existing user: the same answer and refusals whichever way it is changed.
_USER_CHANGE: dict[str, Any] = {
    "response_model": UserOut,
    "dependencies": guarded(ADMINS),
    "responses": {**_NOT_FOUND, **_CONFLICT},
}


@router.patch("/users/{username}", **_USER_CHANGE)
def patch_user(
    request: Request, username: str, body: UserPatch, user: AdminUser, session: DbSession
) -> UserOut:
    """Raising a role to supervisor or admin files a request for a second admin (see
    `pending_role`); lowering it takes effect at once. Every change is alerted."""
    target = users.update_user(
        session, user, request.app.state.settings, username, role=body.role, active=body.active
    )
    return _user_out(session, target)


@router.post("/users/{username}/role-grant", **_USER_CHANGE)
def post_role_grant(
    request: Request, username: str, body: RoleGrantIn, user: AdminUser, session: DbSession
) -> UserOut:
    """A second admin approves or rejects the pending supervisor/admin role of `username`.
    Refused (409) for the requester, and for an admin the requester created or may act as."""
    target = users.decide_role_grant(
        session, user, request.app.state.settings, username, approve=body.approve
    )
    return _user_out(session, target)


@router.get("/register", response_model=list[RegisterEntryOut],
            dependencies=[audited("register.list", target_type="register")])
def get_register(
    # Read-only for analysts (triage compares signals with it); edits stay supervisor-only.
    _user: ContentUser,
    session: DbSession,
) -> list[RegisterEntryOut]:
    return [RegisterEntryOut.model_validate(e) for e in list_entries(session)]


@router.post("/register", response_model=RegisterEntryOut, status_code=201,
             dependencies=guarded(SUPERVISORS), responses={**_CONFLICT, **_UNPROCESSABLE})
def post_register(
    body: RegisterEntryIn, user: SupervisorUser, session: DbSession
) -> RegisterEntryOut:
    fields = body.model_dump()
    _require_aware(fields)
    entry = register_service.create_entry(session, user, **fields)
    return RegisterEntryOut.model_validate(entry)


@router.put("/register/{entry_id}", response_model=RegisterEntryOut,
            dependencies=guarded(SUPERVISORS),
            responses={**_NOT_FOUND, **_CONFLICT, **_UNPROCESSABLE})
def put_register(
    entry_id: IdPath, body: RegisterEntryUpdate, user: SupervisorUser, session: DbSession
) -> RegisterEntryOut:
    if session.get(RegisterEntry, entry_id) is None:
        raise HTTPException(404, f"Registratie {entry_id} bestaat niet.")
    fields = body.model_dump(exclude={"version"})
    _require_aware(fields)
    entry = register_service.update_entry(
        session, user, entry_id, expected_version=body.version, **fields
    )
    return RegisterEntryOut.model_validate(entry)


def _require_aware(fields: dict[str, Any]) -> None:
    for name in ("start_at", "end_at"):
        if fields[name].tzinfo is None:
            raise HTTPException(400, f"{name}: geef een tijdzone mee (bijv. +01:00 of Z).")


@router.get("/health/sources", response_model=list[dict[str, Any]],
            dependencies=[audited("source.health", purpose="beheer")])
def get_source_health(_user: AdminUser, session: DbSession) -> list[dict[str, Any]]:
    return source_health(session)
