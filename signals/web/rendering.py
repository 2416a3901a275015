"""The POST/redirect/GET ending every HTML form shares: a 303 to the page to show next, with a
message that page shows once (its template reads `flash`, or `flash_error`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from signals.web.deps import render

FLASH = "flash"
FLASH_ERROR = "flash_error"


def redirect(
    request: Request, url: str, *, flash: str | None = None, error: str | None = None
) -> Response:
    """303 to `url`; `flash` and `error` wait in the session for the next page."""
    if flash:
        request.session[FLASH] = flash
    if error:
        request.session[FLASH_ERROR] = error
    return RedirectResponse(url, status_code=303)


def take_flash(request: Request, key: str = FLASH) -> str | None:
    """The message the previous request left, removed so it shows once."""
    return request.session.pop(key, None)


def render_page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """A page with a form: the message the last form left, or the refusal of the form just sent
    (`error`, answered with the refusal's `status`)."""
    return render(request, name, {**context, "error": error, "flash": take_flash(request)}, status)
