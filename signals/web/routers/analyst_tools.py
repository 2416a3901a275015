"""Everyday tools on a signal and in the queue: notes, assignment, bulk decisions and quotes
for the briefing. Thin routes: parse the form, call one service, redirect with a message.
The unit of work (signals.web.uow) commits; a refusal is shown on the page it came from."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from starlette.responses import Response

from signals.errors import NotFound
from signals.services.assignment import assign
from signals.services.briefing_snippets import mark_snippet
from signals.services.bulk_triage import Selected, bulk_decide
from signals.services.notes import add_note
from signals.web.deps import CONTENT_ROLES, MAX_ID, ContentUser, DbSession, IdPath, guarded
from signals.web.rendering import redirect
from signals.web.uow import FormRefusal, form_refusal

router = APIRouter(include_in_schema=False)
GUARDED = guarded(CONTENT_ROLES)


def _refused(request: Request, url: str, refused: FormRefusal) -> Response:
    """Back to the page the form came from, with the refusal; an unknown signal or post is a 404."""
    if isinstance(refused.error, NotFound):
        raise HTTPException(404, refused.message)
    return redirect(request, url, error=refused.message)


@router.post("/signalen/{signal_id}/notities", dependencies=GUARDED)
def note_form(
    request: Request, signal_id: IdPath, user: ContentUser, session: DbSession,
    text: str = Form("", max_length=5000),
) -> Response:
    url = f"/signalen/{signal_id}#notities"
    with form_refusal(session) as refused:
        add_note(session, user, signal_id, text)
    if refused:
        back = _refused(request, url, refused)
        # After the 404 check: a draft is only kept for a page that can show it.
        request.session["note_draft"] = text[:2000]
        return back
    return redirect(request, url, flash="Notitie opgeslagen.")


@router.post("/signalen/{signal_id}/toewijzing", dependencies=GUARDED)
def assign_form(
    request: Request, signal_id: IdPath, user: ContentUser, session: DbSession,
    assignee: str = Form("", max_length=64),
) -> Response:
    with form_refusal(session) as refused:
        done = assign(session, user, signal_id, assignee or None)
    url = f"/signalen/{signal_id}#toewijzing"
    if refused:
        return _refused(request, url, refused)
    message = f"Toegewezen aan {done.after}." if done.after else "Toewijzing opgeheven."
    return redirect(request, url, flash=message)


@router.post("/signalen/bulkbesluit", dependencies=GUARDED)
def bulk_form(
    request: Request, user: ContentUser, session: DbSession,
    signal: list[str] = Form([]),
    to_status: str = Form("", max_length=16), rationale: str = Form("", max_length=5001),
    reason_code: str = Form("", max_length=64), back: str = Form("/signalen", max_length=2000),
) -> Response:
    # Back to the queue as it was (filters, sort, page); never anywhere else.
    url = back if back.startswith("/signalen") and "//" not in back else "/signalen"
    selected: list[Selected] = []
    for value in signal[:1000]:
        # "id:version": the version the analyst saw, as on the signal page's decision form.
        sid, _, version = value.partition(":")
        if sid.isdigit() and version.isdigit() and 0 < int(sid) <= MAX_ID:
            selected.append(Selected(int(sid), int(version)))
    with form_refusal(session) as refused:
        result = bulk_decide(
            session,
            user,
            request.app.state.settings,
            selected,
            to_status=to_status,
            rationale=rationale,
            reason_code=reason_code or None,
        )
    if refused:
        return _refused(request, url, refused)
    return redirect(request, url, flash=result.done_message(), error=result.refused_message())


@router.post("/berichten/{post_id}/briefing", dependencies=GUARDED)
def snippet_form(
    request: Request, post_id: IdPath, user: ContentUser, session: DbSession,
    signal_id: int = Form(..., ge=1, le=MAX_ID), include: str = Form(..., max_length=4),
    quote: str = Form("", max_length=2000),
) -> Response:
    url = f"/signalen/{signal_id}#bericht-{post_id}"
    marked = include == "1"
    with form_refusal(session) as refused:
        mark_snippet(session, user, signal_id, post_id, marked, quote or None)
    if refused:
        return _refused(request, url, refused)
    ok = "Citaat opgenomen in de briefing." if marked else "Citaat uit de briefing gehaald."
    return redirect(request, url, flash=ok)
