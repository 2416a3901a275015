"""The register of notified manifestations: supervisors list, create, edit and import CSV;
analysts can open an entry a signal links to."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from nlp.vocabulary import REGISTER_STATUS_DEFAULT
from signals.db.models import RegisterEntry
from signals.web.deps import (
    CONTENT_ROLES,
    LOCAL_TZ,
    MAX_ID,
    SUPERVISORS,
    CurrentUser,
    IdPath,
    csrf_protect,
    get_session,
    render,
)
from signals.web.read_audit import audited

router = APIRouter(include_in_schema=False)

MAX_CSV_BYTES = 2 * 1024 * 1024


def _local_input(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M") if value else ""


def _fields(
    reference: str,
    organiser_ref: str,
    place: str,
    start: str,
    end: str,
    status: str,
    description: str,
) -> dict[str, object]:
    from signals.register import RegisterError, parse_local_datetime

    try:
        start_at, end_at = parse_local_datetime(start), parse_local_datetime(end)
    except ValueError as exc:
        raise RegisterError(str(exc)) from exc
    return {
        "reference": reference.strip(),
        "organiser_ref": organiser_ref.strip(),
        "place": place.strip(),
        "start_at": start_at,
        "end_at": end_at,
        "status": status,  # checked against the closed set by signals.register
        "description": description.strip(),
    }


def _list_page(
    request: Request,
    session: Session,
    *,
    error: str | None = None,
    import_errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    from signals.register import list_entries

    return render(
        request,
        "register.html",
        {
            "entries": list_entries(session),
            "error": error,
            "import_errors": import_errors or [],
            "flash": request.session.pop("flash", None),
            "local_input": _local_input,
        },
        status,
    )


@router.get("/register", dependencies=[audited("register.list", target_type="register")])
def register_page(
    request: Request,
    # Analysts read the register (list and entries) to triage; only supervisors edit it.
    _user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> Response:
    return _list_page(request, session)


@router.post("/register", dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)])
def create(
    request: Request,
    reference: str = Form(..., max_length=64),
    organiser_ref: str = Form("", max_length=128),
    place: str = Form(..., max_length=255),
    start: str = Form(..., max_length=32),
    end: str = Form(..., max_length=32),
    status: str = Form(REGISTER_STATUS_DEFAULT, max_length=32),
    description: str = Form("", max_length=5000),
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    from signals.register import RegisterError, create_entry

    try:
        fields = _fields(reference, organiser_ref, place, start, end, status, description)
        entry = create_entry(session, actor=user.username, **fields)
    except RegisterError as exc:
        session.rollback()
        return _list_page(request, session, error=str(exc), status=409)
    session.commit()
    request.session["flash"] = f"Registratie {entry.reference} toegevoegd."
    return RedirectResponse("/register", status_code=303)


@router.post("/register/import", dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)])
async def import_file(
    request: Request,
    file: UploadFile = File(...),
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    from signals.register import import_csv

    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        return _list_page(
            request, session, error="Het bestand is te groot (max. 2 MB).", status=413
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.csv"
        path.write_bytes(data)
        result = import_csv(session, path, actor=user.username)
    if not result.ok:
        session.rollback()
        return _list_page(
            request,
            session,
            error="Niets geïmporteerd: het bestand bevat fouten.",
            import_errors=result.errors,
            status=422,
        )
    session.commit()
    request.session["flash"] = f"Import klaar: {result.created} nieuw, {result.updated} bijgewerkt."
    return RedirectResponse("/register", status_code=303)


@router.get(
    "/register/{entry_id}",
    dependencies=[audited("register.view", target_type="register", target_param="entry_id")],
)
def entry_page(
    request: Request,
    entry_id: IdPath,
    _user: CurrentUser = Depends(CONTENT_ROLES),
    session: Session = Depends(get_session),
) -> Response:
    entry = session.get(RegisterEntry, entry_id)
    if entry is None:
        raise HTTPException(404, f"Registratie {entry_id} bestaat niet.")
    return render(
        request,
        "register_entry.html",
        {"e": entry, "local_input": _local_input, "flash": request.session.pop("flash", None)},
    )


@router.post("/register/{entry_id}", dependencies=[Depends(SUPERVISORS), Depends(csrf_protect)])
def update(
    request: Request,
    entry_id: IdPath,
    version: int = Form(..., ge=1, le=MAX_ID),
    reference: str = Form(..., max_length=64),
    organiser_ref: str = Form("", max_length=128),
    place: str = Form(..., max_length=255),
    start: str = Form(..., max_length=32),
    end: str = Form(..., max_length=32),
    status: str = Form(REGISTER_STATUS_DEFAULT, max_length=32),
    description: str = Form("", max_length=5000),
    user: CurrentUser = Depends(SUPERVISORS),
    session: Session = Depends(get_session),
) -> Response:
    from signals.register import RegisterError, update_entry

    if session.get(RegisterEntry, entry_id) is None:
        raise HTTPException(404, f"Registratie {entry_id} bestaat niet.")
    try:
        fields = _fields(reference, organiser_ref, place, start, end, status, description)
        update_entry(session, entry_id, expected_version=version, actor=user.username, **fields)
    except RegisterError as exc:
        session.rollback()
        entry = session.get(RegisterEntry, entry_id)
        return render(
            request,
            "register_entry.html",
            {"e": entry, "local_input": _local_input, "error": str(exc)},
            409,
        )
    session.commit()
    request.session["flash"] = "Registratie bijgewerkt."
    return RedirectResponse(f"/register/{entry_id}", status_code=303)
