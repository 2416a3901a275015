"""The register of notified manifestations: supervisors list, create, edit and import CSV;
analysts can open an entry a signal links to."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import Response

from nlp.vocabulary import REGISTER_STATUS_DEFAULT
from signals.db.models import RegisterEntry
from signals.register.entries import list_entries
from signals.register.fields import RegisterError, parse_local_datetime
from signals.services import register as register_service
from signals.web.deps import (
    LOCAL_TZ,
    MAX_ID,
    SUPERVISORS,
    ContentUser,
    DbSession,
    IdPath,
    SupervisorUser,
    guarded,
    render,
)
from signals.web.read_audit import audited
from signals.web.rendering import redirect, render_page
from signals.web.uow import form_refusal

router = APIRouter(include_in_schema=False)

MAX_CSV_BYTES = 2 * 1024 * 1024


def _local_input(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M") if value else ""


@dataclass
class _EntryForm:
    """An entry's fields as the create and edit forms send them."""

    reference: str = Form(..., max_length=64)
    organiser_ref: str = Form("", max_length=128)
    place: str = Form(..., max_length=255)
    start: str = Form(..., max_length=32)
    end: str = Form(..., max_length=32)
    status: str = Form(REGISTER_STATUS_DEFAULT, max_length=32)
    description: str = Form("", max_length=5000)

    def fields(self) -> dict[str, object]:
        """The service's keyword arguments; a malformed date is a `RegisterError`, so call it
        inside `form_refusal`."""
        try:
            start_at = parse_local_datetime(self.start)
            end_at = parse_local_datetime(self.end)
        except ValueError as exc:
            raise RegisterError(str(exc)) from exc
        return {
            "reference": self.reference.strip(),
            "organiser_ref": self.organiser_ref.strip(),
            "place": self.place.strip(),
            "start_at": start_at,
            "end_at": end_at,
            "status": self.status,  # checked against the closed set by signals.register.fields
            "description": self.description.strip(),
        }


def _list_page(request: Request, session: Session, *, error: str | None = None,
               import_errors: list[str] | None = None, status: int = 200) -> Response:
    context = {"entries": list_entries(session), "import_errors": import_errors or [],
               "local_input": _local_input}
    return render_page(request, "register.html", context, error=error, status=status)


@router.get("/register", dependencies=[audited("register.list", target_type="register")])
def register_page(
    request: Request,
    # Analysts read the register (list and entries) to triage; only supervisors edit it.
    _user: ContentUser,
    session: DbSession,
) -> Response:
    return _list_page(request, session)


@router.post("/register", dependencies=guarded(SUPERVISORS))
def create(
    request: Request, user: SupervisorUser, session: DbSession, form: _EntryForm = Depends()
) -> Response:
    with form_refusal(session) as refused:
        fields = form.fields()
        entry = register_service.create_entry(session, user, **fields)
    if refused:
        # 409 for every refused form, as before the error statuses were split (the API
        # answers with the error's own status).
        return _list_page(request, session, error=refused.message, status=409)
    return redirect(request, "/register", flash=f"Registratie {entry.reference} toegevoegd.")


@router.post("/register/import", dependencies=guarded(SUPERVISORS))
async def import_file(
    request: Request, user: SupervisorUser, session: DbSession, file: UploadFile = File(...)
) -> Response:
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        return _list_page(
            request, session, error="Het bestand is te groot (max. 2 MB).", status=413
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.csv"
        path.write_bytes(data)
        result = register_service.import_csv(session, user, path)
    if not result.ok:  # nothing was changed: the import is all rows or none
        return _list_page(
            request,
            session,
            error="Niets geïmporteerd: het bestand bevat fouten.",
            import_errors=result.errors,
            status=422,
        )
    done = f"Import klaar: {result.created} nieuw, {result.updated} bijgewerkt."
    return redirect(request, "/register", flash=done)


@router.get(
    "/register/{entry_id}",
    dependencies=[audited("register.view", target_type="register", target_param="entry_id")],
)
def entry_page(
    request: Request, entry_id: IdPath, _user: ContentUser, session: DbSession
) -> Response:
    entry = session.get(RegisterEntry, entry_id)
    if entry is None:
        raise HTTPException(404, f"Registratie {entry_id} bestaat niet.")
    return render_page(request, "register_entry.html", {"e": entry, "local_input": _local_input})


@router.post("/register/{entry_id}", dependencies=guarded(SUPERVISORS))
def update(
    request: Request, entry_id: IdPath, user: SupervisorUser, session: DbSession,
    version: int = Form(..., ge=1, le=MAX_ID), form: _EntryForm = Depends(),
) -> Response:
    if session.get(RegisterEntry, entry_id) is None:
        raise HTTPException(404, f"Registratie {entry_id} bestaat niet.")
    with form_refusal(session) as refused:
        fields = form.fields()
        register_service.update_entry(
            session, user, entry_id, expected_version=version, **fields
        )
    if refused:
        entry = session.get(RegisterEntry, entry_id)
        return render(
            request,
            "register_entry.html",
            {"e": entry, "local_input": _local_input, "error": refused.message},
            409,
        )
    return redirect(request, f"/register/{entry_id}", flash="Registratie bijgewerkt.")
