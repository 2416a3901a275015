"""The signal page, triage decisions and label corrections (HTML forms)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from signals.enrichment import nlp_text
from signals.queries import SignalDetail
from signals.services import signals as signal_service
from signals.services.assignment import colleagues
from signals.services.corrections import (
    CorrectionOutcome,
    correct_label,
    latest_by_post,
    signal_corrections,
)
from signals.triage import (
    DISMISS_REASONS,
    LABEL_NAMES,
    DecisionRequest,
    allowed_transitions,
)
from signals.web.deps import CONTENT_ROLES, MAX_ID, ContentUser, DbSession, IdPath, guarded, render
from signals.web.highlight import highlight
from signals.web.read_audit import audited_by_handler
from signals.web.rendering import FLASH_ERROR, redirect, take_flash
from signals.web.uow import form_refusal

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


def interventions_url(request: Request, signal_id: int) -> str | None:
    """The protocol area's interventions page for this signal, when that area is installed."""
    if "/signalen/{signal_id}/interventies" in getattr(request.app.state, "route_paths", ()):
        return f"/signalen/{signal_id}/interventies"
    return None


def _page_context(detail: SignalDetail, session: Session) -> dict[str, Any]:
    corrections = signal_corrections(session, detail.signal.id)
    corrected = latest_by_post(corrections)
    posts = []
    aliases = signal_service.author_aliases([view.post.author_pseudonym for view in detail.posts])
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
                        "correction": corrected.get(view.post.id, {}).get(name),
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
        "protocol_version": signal_service.active_protocol_version(session),
        "corrections": corrections,
    }


@router.get("/signalen/{signal_id}", dependencies=[audited_by_handler("signal.view")])
def signal_page(
    request: Request, signal_id: IdPath, user: ContentUser, session: DbSession
) -> Response:
    detail = signal_service.view_signal(session, user, signal_id, channel="web")
    context = _page_context(detail, session)
    context["flash"] = take_flash(request)
    context["flash_error"] = take_flash(request, FLASH_ERROR)
    context["note_draft"] = request.session.pop("note_draft", "")
    context["colleagues"] = colleagues(session)
    context["interventions_url"] = interventions_url(request, signal_id)
    return render(request, "signal.html", context)


@router.post("/signalen/{signal_id}/besluit", dependencies=guarded(CONTENT_ROLES))
def decide_form(
    request: Request, signal_id: IdPath, user: ContentUser, session: DbSession,
    to_status: str = Form(..., max_length=16), version: int = Form(..., ge=1, le=MAX_ID),
    rationale: str = Form("", max_length=5000), reason_code: str = Form("", max_length=64),
) -> Response:
    with form_refusal(session) as refused:
        signal_service.decide(
            session,
            user,
            request.app.state.settings,
            DecisionRequest(
                signal_id, to_status, version, rationale=rationale, reason_code=reason_code or None
            ),
        )
    if refused:
        if refused.status_code == 404:
            raise refused.error  # type: ignore[misc]
        # The form again, with the refusal and what the analyst typed (the refusal is audited).
        detail = signal_service.load_detail(session, signal_id)
        context = _page_context(detail, session)
        context.update(
            {
                "interventions_url": interventions_url(request, signal_id),
                "error": refused.message,
                "form": {"to_status": to_status, "rationale": rationale, "reason": reason_code},
            }
        )
        return render(request, "signal.html", context, refused.status_code)
    return redirect(request, f"/signalen/{signal_id}#historie", flash="Besluit vastgelegd.")


@router.post("/berichten/{post_id}/label", dependencies=guarded(CONTENT_ROLES))
def label_form(
    request: Request, post_id: IdPath, user: ContentUser, session: DbSession,
    label: str = Form(..., max_length=32), value: str = Form(..., max_length=8),
    signal_id: int = Form(..., ge=1, le=MAX_ID), note: str = Form("", max_length=2000),
) -> Response:
    outcome = correct_label(
        session,
        user,
        post_id,
        label,
        value in {"1", "true", "ja"},
        note=note,
        settings=request.app.state.settings,
    )
    url = f"/signalen/{signal_id}#bericht-{post_id}"
    return redirect(request, url, flash=correction_flash(outcome, signal_id))


def correction_flash(outcome: CorrectionOutcome, signal_id: int) -> str:
    text = "Labelcorrectie opgeslagen; zij telt mee bij het hertrainen."
    here = next((r for r in outcome.rescored if r.signal_id == signal_id), None)
    if here is None:
        return text + " Dit signaal is afgehandeld en is niet opnieuw beoordeeld."
    text += (
        f" Signaal opnieuw beoordeeld: ernst {here.severity_before:.2f} → "
        f"{here.severity_after:.2f}."
    )
    if here.no_type_left:
        text += " Er is geen gemarkeerd label meer; het signaal blijft open tot u besluit."
    return text
