"""JSON API under /api, mirroring the pages. Same session cookie; state-changing calls need
the X-CSRF-Token header (GET /api/me returns the token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from signals import auth
from signals.db.models import RegisterEntry, User
from signals.triage import (
    TriageError,
    allowed_transitions,
    correct_label,
    record_refusal,
)
from signals.triage import decide as triage_decide
from signals.web.deps import (
    ADMINS,
    ANY_ROLE,
    AUDITORS,
    CONTENT_ROLES,
    SUPERVISORS,
    CurrentUser,
    IdPath,
    csrf_protect,
    csrf_token,
    get_session,
)
from signals.web.read_audit import audited, audited_by_handler, not_audited
from signals.web.schemas import (
    AuditEventOut,
    AuditList,
    DecisionIn,
    DecisionOut,
    ErrorOut,
    LabelCorrectionOut,
    LabelIn,
    LabelOut,
    MeOut,
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
)
from signals.web.views.audit import AuditFilters, audit_query, record_audit_query, run_verify
from signals.web.views.queue import build_filters, run_queue
from signals.web.views.signal import (
    active_protocol_version,
    audit_view,
    author_aliases,
    load_detail,
    reindex_signal,
)

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Ongeldig verzoek (bijv. onleesbare body)"},
    401: {"model": ErrorOut, "description": "Niet ingelogd"},
    403: {"model": ErrorOut, "description": "Geen toegang voor deze rol, of CSRF-token ontbreekt"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "Bestaat niet"}
}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Verouderd of niet toegestaan (conflict)"}
}

router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)


@router.get(
    "/me",
    response_model=MeOut,
    dependencies=[not_audited("the caller's own name, role and CSRF token")],
)
def me(request: Request, user: CurrentUser = Depends(ANY_ROLE)) -> MeOut:
    return MeOut(username=user.username, role=user.role, csrf_token=csrf_token(request))


@router.get(
    "/signals",
    response_model=SignalList,
    dependencies=[audited_by_handler("signal.list")],  # "search" with a query
)
def list_signals(
    request: Request,
    status: str | None = Query(None, max_length=16, description="open, all of een status"),
    type: str | None = Query(None, max_length=32),
    district: str | None = Query(None, max_length=64),
    date_from: str | None = Query(None, max_length=10, description="JJJJ-MM-DD"),
    date_to: str | None = Query(None, max_length=10, description="JJJJ-MM-DD"),
    q: str | None = Query(None, max_length=200, description="Volledige-tekst-zoekopdracht"),
    page: int = Query(1, ge=1, le=100000),
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> SignalList:
    f = build_filters(status, type, district, date_from, date_to, q, page)
    result = run_queue(request, session, user, f)
    note = result.search_error or (
        "zoekindex niet beschikbaar; alleen titels en plaatsen doorzocht"
        if result.search_fallback
        else None
    )
    return SignalList(
        items=[SignalSummary.model_validate(s) for s in result.items],
        total=result.total,
        page=result.page,
        pages=result.pages,
        page_size=50,
        counts=result.counts,
        snippets={str(k): v for k, v in result.snippets.items()},
        search_note=note,
    )


@router.get(
    "/signals/{signal_id}",
    response_model=SignalDetailOut,
    responses=_NOT_FOUND,
    dependencies=[audited_by_handler("signal.view")],
)
def get_signal(
    signal_id: IdPath,
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> SignalDetailOut:
    detail = load_detail(session, signal_id)
    audit_view(session, user, signal_id, "api")
    session.commit()
    s = detail.signal
    posts = []
    aliases = author_aliases([view.post.author_pseudonym for view in detail.posts])
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
            )
        )
    base = SignalSummary.model_validate(s).model_dump()
    return SignalDetailOut(
        **base,
        in_almere=s.in_almere,
        event_time_text=s.event_time_text,
        severity_breakdown=s.severity_breakdown or {},
        register_entry=s.register_entry,
        allowed_transitions=list(allowed_transitions(s.status)),
        posts=posts,
        decisions=[DecisionOut.model_validate(d) for d in detail.decisions],
    )


@router.post(
    "/signals/{signal_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    dependencies=[Depends(CONTENT_ROLES), Depends(csrf_protect)],
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
    request: Request,
    signal_id: IdPath,
    body: DecisionIn,
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> DecisionOut:
    try:
        decision = triage_decide(
            session,
            signal_id,
            to_status=body.to_status,
            actor=user.username,
            actor_role=user.role,
            rationale=body.rationale,
            reason_code=body.reason_code,
            expected_version=body.version,
            protocol_version=active_protocol_version(session),
        )
    except TriageError as exc:
        session.rollback()
        if exc.status_code != 404:
            record_refusal(
                session, signal_id, body.to_status, exc, actor=user.username, actor_role=user.role
            )
            session.commit()
        raise HTTPException(exc.status_code, str(exc)) from exc
    session.commit()
    out = DecisionOut.model_validate(decision)
    reindex_signal(request, session, signal_id)
    session.commit()
    return out


@router.post(
    "/posts/{post_id}/labels",
    response_model=LabelCorrectionOut,
    status_code=201,
    dependencies=[Depends(CONTENT_ROLES), Depends(csrf_protect)],
    responses=_NOT_FOUND,
)
def post_label(
    post_id: IdPath,
    body: LabelIn,
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> LabelCorrectionOut:
    try:
        correction = correct_label(
            session,
            post_id,
            body.label,
            body.value,
            actor=user.username,
            actor_role=user.role,
            note=body.note,
        )
    except TriageError as exc:
        session.rollback()
        raise HTTPException(exc.status_code, str(exc)) from exc
    session.commit()
    return LabelCorrectionOut.model_validate(correction)


@router.get("/audit", response_model=AuditList, dependencies=[audited_by_handler("audit.query")])
def get_audit(
    actor: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    signal_id: int | None = Query(None, ge=1, le=2**62),
    date_from: str | None = Query(None, max_length=10, description="JJJJ-MM-DD"),
    date_to: str | None = Query(None, max_length=10, description="JJJJ-MM-DD"),
    page: int = Query(1, ge=1, le=100000),
    user: CurrentUser = Depends(AUDITORS),
    session: Session = Depends(get_session),
) -> AuditList:
    f = AuditFilters.parse(actor, action, signal_id, date_from, date_to, page)
    items, total, pages = audit_query(session, f)
    out = AuditList(
        items=[AuditEventOut.model_validate(e) for e in items],
        total=total,
        page=f.page,
        pages=pages,
    )
    record_audit_query(session, user, f, "api")
    session.commit()
    return out


@router.get(
    "/audit/verify", response_model=VerifyOut, dependencies=[audited_by_handler("audit.verify")]
)
def get_verify(
    user: CurrentUser = Depends(AUDITORS), session: Session = Depends(get_session)
) -> VerifyOut:
    result = run_verify(session, user)
    session.commit()
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
    out.pending_role = auth.pending_roles(session).get(row.id)
    return out


@router.get(
    "/users", response_model=list[UserOut], dependencies=[audited("user.list", purpose="beheer")]
)
def get_users(
    _user: CurrentUser = Depends(ADMINS), session: Session = Depends(get_session)
) -> list[UserOut]:
    pending = auth.pending_roles(session)
    return [
        UserOut.model_validate(u).model_copy(update={"pending_role": pending.get(u.id)})
        for u in auth.list_users(session)
    ]


@router.post(
    "/users",
    response_model=UserCreated,
    status_code=201,
    dependencies=[Depends(ADMINS), Depends(csrf_protect)],
    responses=_CONFLICT,
)
def post_user(
    request: Request,
    body: UserIn,
    user: CurrentUser = Depends(ADMINS),
    session: Session = Depends(get_session),
) -> UserCreated:
    """A supervisor or admin is created disabled, with `pending_role`, until a second admin
    approves (POST /api/users/{username}/role-grant)."""
    password = body.password or auth.generate_password()
    try:
        created = auth.create_user(
            session,
            body.username,
            password,
            body.role,
            actor=user.username,
            actor_role=user.role,
            actor_id=user.id,
            settings=request.app.state.settings,
        )
    except auth.AuthError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    out = UserCreated.model_validate(created)
    out.pending_role = auth.pending_roles(session).get(created.id)
    out.password = None if body.password else password
    return out


@router.patch(
    "/users/{username}",
    response_model=UserOut,
    dependencies=[Depends(ADMINS), Depends(csrf_protect)],
    responses={**_NOT_FOUND, **_CONFLICT},
)
def patch_user(
    request: Request,
    username: str,
    body: UserPatch,
    user: CurrentUser = Depends(ADMINS),
    session: Session = Depends(get_session),
) -> UserOut:
    """Raising a role to supervisor or admin files a request for a second admin (see
    `pending_role`); lowering it takes effect at once. Every change is alerted."""
    target = auth.get_user(session, username)
    if target is None:
        raise HTTPException(404, f"Gebruiker '{username}' bestaat niet.")
    if target.id == user.id and (body.active is False or (body.role and body.role != "admin")):
        raise HTTPException(409, "U kunt uzelf niet uitschakelen of uw eigen beheerrol afnemen.")
    try:
        if body.role is not None and body.role != target.role:
            auth.set_role(
                session,
                username,
                body.role,
                actor=user.username,
                actor_role=user.role,
                actor_id=user.id,
                settings=request.app.state.settings,
            )
        if body.active is not None and body.active != target.active:
            auth.set_active(
                session, username, body.active, actor=user.username, actor_role=user.role
            )
    except auth.AuthError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    return _user_out(session, target)


@router.post(
    "/users/{username}/role-grant",
    response_model=UserOut,
    dependencies=[Depends(ADMINS), Depends(csrf_protect)],
    responses={**_NOT_FOUND, **_CONFLICT},
)
def post_role_grant(
    request: Request,
    username: str,
    body: RoleGrantIn,
    user: CurrentUser = Depends(ADMINS),
    session: Session = Depends(get_session),
) -> UserOut:
    """A second admin approves or rejects the pending supervisor/admin role of `username`.
    Refused (409) for the requester, and for an admin the requester created or may act as."""
    target = auth.get_user(session, username)
    if target is None:
        raise HTTPException(404, f"Gebruiker '{username}' bestaat niet.")
    try:
        auth.decide_role_grant(
            session,
            username,
            approve=body.approve,
            actor=user.username,
            actor_id=user.id,
            settings=request.app.state.settings,
        )
    except auth.AuthError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    return _user_out(session, target)


@router.get(
    "/register",
    response_model=list[RegisterEntryOut],
    dependencies=[audited("register.list", target_type="register")],
)
def get_register(
    # Read-only for analysts (triage compares signals with it); edits stay supervisor-only.
    _user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> list[RegisterEntryOut]:
    from signals.register import list_entries

    return [RegisterEntryOut.model_validate(e) for e in list_entries(session)]


@router.post(
    "/register",
    response_model=RegisterEntryOut,
    status_code=201,
    dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)],
    responses=_CONFLICT,
)
def post_register(
    body: RegisterEntryIn,
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> RegisterEntryOut:
    from signals.register import RegisterError, create_entry

    fields = body.model_dump()
    _require_aware(fields)
    try:
        entry = create_entry(session, actor=user.username, **fields)
    except RegisterError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    return RegisterEntryOut.model_validate(entry)


@router.put(
    "/register/{entry_id}",
    response_model=RegisterEntryOut,
    dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)],
    responses={**_NOT_FOUND, **_CONFLICT},
)
def put_register(
    entry_id: IdPath,
    body: RegisterEntryUpdate,
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> RegisterEntryOut:
    from signals.register import RegisterError, update_entry

    if session.get(RegisterEntry, entry_id) is None:
        raise HTTPException(404, f"Registratie {entry_id} bestaat niet.")
    fields = body.model_dump(exclude={"version"})
    _require_aware(fields)
    try:
        entry = update_entry(
            session, entry_id, expected_version=body.version, actor=user.username, **fields
        )
    except RegisterError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    return RegisterEntryOut.model_validate(entry)


def _require_aware(fields: dict[str, Any]) -> None:
    for name in ("start_at", "end_at"):
        if fields[name].tzinfo is None:
            raise HTTPException(400, f"{name}: geef een tijdzone mee (bijv. +01:00 of Z).")


@router.get(
    "/health/sources",
    response_model=list[dict[str, Any]],
    dependencies=[audited("source.health", purpose="beheer")],
)
def get_source_health(
    _user: CurrentUser = Depends(ADMINS), session: Session = Depends(get_session)
) -> list[dict[str, Any]]:
    from signals.health import source_health

    return source_health(session)
