"""The signal page, triage decisions and label corrections (HTML forms)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.audit import record
from signals.enrichment import nlp_text
from signals.protocol import active_version
from signals.triage import (
    DISMISS_REASONS,
    LABEL_NAMES,
    TriageError,
    allowed_transitions,
    correct_label,
    decide,
    record_refusal,
)
from signals.web.deps import (
    CONTENT_ROLES,
    MAX_ID,
    CurrentUser,
    IdPath,
    csrf_protect,
    get_session,
    render,
)
from signals.web.highlight import highlight
from signals.web.queries import SignalDetail, get_backend_or_none, signal_detail
from signals.web.read_audit import audited_by_handler

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


def active_protocol_version(session: Session) -> str | None:
    row = active_version(session)
    return row.version_id if row else None


def reindex_signal(request: Request, session: Session, signal_id: int) -> None:
    """Keep the search index's status in step; the index is a mirror, so failure is logged and
    repaired by the next `signals reindex`, never shown as a failed decision."""
    backend = get_backend_or_none(request.app.state.settings)
    if backend is None:
        return
    try:
        from signals.indexing import index_signals

        index_signals(session, backend, [signal_id])
    except Exception:
        log.exception("could not re-index signal %s", signal_id)


def interventions_url(request: Request, signal_id: int) -> str | None:
    """The protocol area's interventions page for this signal, when that area is installed."""
    if "/signalen/{signal_id}/interventies" in getattr(request.app.state, "route_paths", ()):
        return f"/signalen/{signal_id}/interventies"
    return None


def audit_view(session: Session, user: CurrentUser, signal_id: int, channel: str) -> None:
    record(
        session,
        actor=user.username,
        actor_role=user.role,
        action="signal.view",
        target_type="signal",
        target_id=signal_id,
        purpose="triage",
        details={"channel": channel},
    )


def load_detail(session: Session, signal_id: int) -> SignalDetail:
    detail = signal_detail(session, signal_id)
    if detail is None:
        raise HTTPException(404, f"Signaal {signal_id} bestaat niet.")
    return detail


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def author_aliases(pseudonyms: list[str | None]) -> list[str | None]:
    """Per-signal aliases (A, B, C ... Z, AA ...) in order of first appearance. The pseudonym
    itself never leaves the server here: walking signal ids must not link one author's posts
    across signals (the privacy tools keep working on the stored pseudonym)."""
    seen: dict[str, str] = {}
    out: list[str | None] = []
    for value in pseudonyms:
        if not value:
            out.append(None)
            continue
        if value not in seen:
            seen[value] = _letters(len(seen))
        out.append(seen[value])
    return out


def _page_context(detail: SignalDetail, session: Session) -> dict[str, Any]:
    posts = []
    aliases = author_aliases([view.post.author_pseudonym for view in detail.posts])
    for view, alias in zip(detail.posts, aliases, strict=True):
        enrichment = view.enrichment
        full = nlp_text(view.post.title, view.post.text)
        labels = []
        if enrichment is not None:
            for name, score in sorted(
                (enrichment.labels or {}).items(), key=lambda kv: -float(kv[1].get("p", 0))
            ):
                labels.append(
                    {
                        "name": name,
                        "p": float(score.get("p", 0.0)),
                        "flag": bool(score.get("flag")),
                        "terms": (enrichment.explanations or {}).get(name, [])[:8],
                    }
                )
        posts.append(
            {
                "post": view.post,
                "enrichment": enrichment,
                "html": highlight(full, enrichment.evidence if enrichment else None),
                "labels": labels,
                "author": alias or "onbekend",
            }
        )
    return {
        "detail": detail,
        "s": detail.signal,
        "posts": posts,
        "transitions": allowed_transitions(detail.signal.status),
        "label_names": LABEL_NAMES,
        "dismiss_reasons": DISMISS_REASONS,
        "protocol_version": active_protocol_version(session),
    }


@router.get("/signalen/{signal_id}", dependencies=[audited_by_handler("signal.view")])
def signal_page(
    request: Request,
    signal_id: IdPath,
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> Response:
    detail = load_detail(session, signal_id)
    audit_view(session, user, signal_id, "web")
    session.commit()
    context = _page_context(detail, session)
    context["flash"] = request.session.pop("flash", None)
    context["interventions_url"] = interventions_url(request, signal_id)
    return render(request, "signal.html", context)


@router.post(
    "/signalen/{signal_id}/besluit", dependencies=[Depends(CONTENT_ROLES), Depends(csrf_protect)]
)
def decide_form(
    request: Request,
    signal_id: IdPath,
    to_status: str = Form(..., max_length=16),
    version: int = Form(..., ge=1, le=MAX_ID),
    rationale: str = Form("", max_length=5000),
    reason_code: str = Form("", max_length=64),
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> Response:
    try:
        decide(
            session,
            signal_id,
            to_status=to_status,
            actor=user.username,
            actor_role=user.role,
            rationale=rationale,
            reason_code=reason_code or None,
            expected_version=version,
            protocol_version=active_protocol_version(session),
        )
    except TriageError as exc:
        session.rollback()
        if exc.status_code == 404:
            raise HTTPException(404, str(exc)) from exc
        record_refusal(
            session, signal_id, to_status, exc, actor=user.username, actor_role=user.role
        )
        session.commit()
        detail = load_detail(session, signal_id)
        context = _page_context(detail, session)
        context.update(
            {
                "interventions_url": interventions_url(request, signal_id),
                "error": str(exc),
                "form": {"to_status": to_status, "rationale": rationale, "reason": reason_code},
            }
        )
        return render(request, "signal.html", context, exc.status_code)
    session.commit()
    reindex_signal(request, session, signal_id)
    session.commit()
    request.session["flash"] = "Besluit vastgelegd."
    return RedirectResponse(f"/signalen/{signal_id}#historie", status_code=303)


@router.post(
    "/berichten/{post_id}/label", dependencies=[Depends(CONTENT_ROLES), Depends(csrf_protect)]
)
def label_form(
    request: Request,
    post_id: IdPath,
    label: str = Form(..., max_length=32),
    value: str = Form(..., max_length=8),
    signal_id: int = Form(..., ge=1, le=MAX_ID),
    note: str = Form("", max_length=2000),
    user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> Response:
    try:
        correct_label(
            session,
            post_id,
            label,
            value in {"1", "true", "ja"},
            actor=user.username,
            actor_role=user.role,
            note=note,
        )
    except TriageError as exc:
        session.rollback()
        raise HTTPException(exc.status_code, str(exc)) from exc
    session.commit()
    request.session["flash"] = "Labelcorrectie opgeslagen; zij telt mee bij het hertrainen."
    return RedirectResponse(f"/signalen/{signal_id}#bericht-{post_id}", status_code=303)
