"""The analysts' web app: `create_app(settings) -> FastAPI`.

Every router is named once, in `ROUTERS` below: the pages and the JSON API of this area live in
signals/web/views/, other areas' pages in signals/web/routers/. A new module's router is added
to that list (tests/web/test_service_layer.py fails for a router module that is not listed)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute, APIRouter
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

from signals.config import Settings, get_settings
from signals.db.session import get_engine, session_factory
from signals.errors import DomainError
from signals.web.access_log import install_access_log_filter
from signals.web.deps import CSRFError, Forbidden, NotAuthenticated, render
from signals.web.routers import analyst_tools, briefing, explain, privacy, protocol
from signals.web.schemas import error_responses
from signals.web.security import (
    LoginThrottle,
    SecurityHeadersMiddleware,
    load_secret_key,
)
from signals.web.uow import UOW
from signals.web.views import (
    account,
    api,
    audit,
    auth,
    health,
    partner,
    partner_api,
    queue,
    register,
    signal,
    users,
)

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "oov_session"
SESSION_MAX_AGE = 8 * 3600  # one working day

# How uvicorn must serve the app (the CLI uses this; the Dockerfile passes the same flags):
# without proxy_headers, uvicorn would believe X-Forwarded-For from 127.0.0.1 and rewrite the
# client address before the login throttle and the audit log see it. Trusted proxies are
# configured in the app instead (SIGNALS_TRUSTED_PROXIES, signals.web.security.client_address).
UVICORN_OPTIONS: dict[str, Any] = {"proxy_headers": False, "server_header": False}

COMMON_API_ERRORS = error_responses(
    {
        400: "Ongeldig verzoek",
        401: "Niet ingelogd",
        403: "Geen toegang voor deze rol, of CSRF-token ontbreekt",
    }
)

# Every router of the app, in the order Starlette tries their paths (a fixed path such as
# /signalen/export.csv must come before a pattern such as /signalen/{signal_id} that also
# matches it).
ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    account.router,
    queue.router,
    signal.router,
    register.router,
    users.router,
    audit.router,
    health.router,
    api.router,
    analyst_tools.router,
    explain.router,
    briefing.router,
    privacy.router,
    protocol.router,
    partner.router,
    partner_api.router,
)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error_page(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, _exc: NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "Niet ingelogd."},
                status_code=401,
                headers={"WWW-Authenticate": 'Cookie realm="oov-signals"'},
            )
        target = request.url.path
        if request.method == "GET" and request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error_page(request, 403, exc.message)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        # The one mapping of a refusal by the rules: its own status and Dutch message.
        return _error_page(request, exc.status_code, exc.message)

    @app.exception_handler(CSRFError)
    async def csrf_error(request: Request, _exc: CSRFError) -> Response:
        return _error_page(
            request,
            403,
            "Het formulier is verlopen of ongeldig (CSRF-controle). Laad de pagina opnieuw.",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "Er ging iets mis."
        if exc.status_code == 404 and detail == "Not Found":
            detail = "Deze pagina bestaat niet."
        elif exc.status_code == 405:
            detail = "Deze methode is hier niet toegestaan."
        response = _error_page(request, exc.status_code, detail)
        for key, value in (getattr(exc, "headers", None) or {}).items():
            response.headers[key] = value
        if exc.status_code == 405:
            # Starlette names only the first matching route's methods; list them all.
            response.headers["Allow"] = ", ".join(_allowed_methods(app, request.url.path))
        return response


def _allowed_methods(app: FastAPI, path: str) -> list[str]:
    methods: set[str] = set()
    for _full, route in iter_api_routes(app):
        if route.path_regex.match(path):
            methods |= set(route.methods or ())
    return sorted(methods)


def _include_routers(app: FastAPI) -> None:
    for router in ROUTERS:
        # Every route answers 400/401/403 the same way (see the handlers above); document that
        # once here so routers need not repeat it. UOW: one unit of work per request.
        app.include_router(router, responses=COMMON_API_ERRORS, dependencies=[UOW])


def iter_api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """Every endpoint as (full path, route), also inside included routers (recent FastAPI keeps
    them nested rather than copying them into app.routes)."""

    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, APIRoute]]:
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                context = getattr(route, "include_context", None)
                yield from walk(list(original.routes), prefix + getattr(context, "prefix", ""))
            elif isinstance(route, APIRoute):
                yield prefix + route.path, route

    yield from walk(list(app.routes), "")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = get_engine(settings.database_url)
    app = FastAPI(
        title="oov-signals",
        description=(
            "Signalen openbare orde voor analisten van de gemeente. JSON-API onder /api; "
            "inloggen via /login (sessiecookie) en de CSRF-token in de kop X-CSRF-Token."
        ),
        version="0.1.0",
        docs_url=None,  # Swagger UI would load scripts from a CDN, which the CSP forbids
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_factory(engine)
    # Backoff state lives in the database; logout and password changes bump users.session_version.
    app.state.login_throttle = LoginThrottle()
    install_access_log_filter()
    https = settings.base_url.startswith("https://")

    # Starlette runs the last-added middleware first: headers wrap everything, sessions next.
    app.add_middleware(
        SessionMiddleware,
        secret_key=load_secret_key(settings.secret_key_path),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="strict",
        https_only=https,  # the cookie gets Secure
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=https)
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    _include_routers(app)
    app.state.route_paths = {path for path, _route in iter_api_routes(app)}
    return app
