"""Dependencies every router reuses: database session, the logged-in user, role checks,
CSRF protection and template rendering.

Other areas' routers (signals/web/routers/*.py) use them like:

    @router.get("/protocol", dependencies=[audited("protocol.view")])
    def page(request: Request, user: AnyUser, session: DbSession) -> Response:
        return render(request, "protocol/index.html", {...})

    @router.post("/protocol/x", dependencies=guarded(SUPERVISORS))
    def act(request: Request, user: SupervisorUser, session: DbSession) -> Response:
        return redirect(request, "/protocol", flash="...")  # signals.web.rendering
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from nlp.explanation_terms import term_nl
from nlp.vocabulary import (
    KIND_MELDING,
    NOTIFICATION_NL,
    PARTNER,
    REGISTER_STATUS_HELP,
    REGISTER_STATUSES,
    ROLE_NL,
    ROLES,
    STAFF_ROLES,
    TZ,
)
from signals.db.models import User
from signals.protocol.names import approval_nl, chosen_name
from signals.services import Actor
from signals.severity import band
from signals.triage import DISMISS_REASONS, LABEL_NAMES, STATUS_LABELS
from signals.web.security import (
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    CSRF_SESSION_KEY,
    new_token,
    tokens_match,
)
from signals.web.uow import SESSION_STATE
from signals.wording import event_time_in_figures

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
LOCAL_TZ = TZ

TYPE_LABELS: dict[str, str] = dict(LABEL_NAMES)

# Database ids in paths: bounded so a huge number is a clean 422, not an overflow in the driver.
MAX_ID = 2**63 - 1
IdPath = Annotated[int, PathParam(ge=1, le=MAX_ID)]

ROLE_LABELS: dict[str, str] = dict(ROLE_NL)


class NotAuthenticated(Exception):
    """No valid session: HTML routes redirect to the login page, the API answers 401."""


class Forbidden(Exception):
    """Logged in, but this role may not use the route."""

    def __init__(self, message: str = "U heeft geen toegang tot deze pagina.") -> None:
        super().__init__(message)
        self.message = message


class CSRFError(Exception):
    """A state-changing request without a valid CSRF token."""


# The logged-in user is the acting person the services take: one type, no conversion per route.
CurrentUser = Actor


def fmt_dt(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "—"
    local = value.astimezone(LOCAL_TZ)
    return local.strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")


def fmt_event_time(value: datetime | None, event_time_text: str | None) -> str:
    return event_time_in_figures(value, event_time_text) if value is not None else "—"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(
    STATUS_LABELS=STATUS_LABELS, TYPE_LABELS=TYPE_LABELS, ROLE_LABELS=ROLE_LABELS,
    DISMISS_REASONS=DISMISS_REASONS, REGISTER_STATUSES=REGISTER_STATUSES,
    REGISTER_STATUS_HELP=REGISTER_STATUS_HELP, KIND_MELDING=KIND_MELDING,
    # The one banding of a severity score (signals.severity.band): {{ sev_band(s).key }}.
    sev_band=band,
)
templates.env.filters["dt"] = fmt_dt
templates.env.filters["event_time"] = fmt_event_time
templates.env.filters["date"] = lambda v: fmt_dt(v, with_time=False)
templates.env.filters["status_nl"] = lambda s: STATUS_LABELS.get(s, s)
templates.env.filters["type_nl"] = lambda t: TYPE_LABELS.get(t, t)
templates.env.filters["sev_band"] = band
templates.env.filters["notification_nl"] = lambda n: NOTIFICATION_NL.get(n, n)
# A chosen intervention by its protocol name, and its approval status, in Dutch (issue 13).
templates.env.filters["intervention_nl"] = chosen_name
templates.env.filters["approval_nl"] = approval_nl


def marks_only(html: str | None) -> Markup:
    """Search snippets arrive escaped with <mark> tags (SearchBackend contract); drop any
    other tag anyway, so a backend bug cannot inject markup."""
    return Markup(_NON_MARK_TAG.sub("", html or ""))


_NON_MARK_TAG = re.compile(r"<(?!/?mark>)[^>]*>?")
templates.env.filters["marks_only"] = marks_only


def safe_url(value: str | None) -> str | None:
    """Only http(s) links reach an href; a post's URL is collected data, not trusted."""
    text = (value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


templates.env.filters["safe_url"] = safe_url
templates.env.filters["pct"] = lambda p: f"{round(float(p or 0) * 100)}%"
templates.env.filters["term_nl"] = term_nl


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    href: str
    roles: frozenset[str]
    path: str | None = None  # shown only when a route with this path exists


# The top navigation, the one list of it: a new page adds its link here. A link whose `path` has
# no route in the app is hidden.
NAV_LINKS: list[NavLink] = [
    NavLink("Signalen", "/signalen", frozenset({"analyst", "supervisor"})),
    NavLink("Interventies", "/interventies", frozenset({"supervisor"}), "/interventies"),
    NavLink("Register", "/register", frozenset({"analyst", "supervisor"})),
    NavLink(
        "Protocol",
        "/protocol",
        frozenset(STAFF_ROLES),
        "/protocol",
    ),
    NavLink(
        "Privacy", "/privacy", frozenset(STAFF_ROLES), "/privacy"
    ),
    NavLink("Auditlog", "/audit", frozenset({"auditor", "admin"})),
    NavLink("Gebruikers", "/gebruikers", frozenset({"admin"})),
    NavLink("Bronnen", "/bronnen", frozenset({"admin"})),
    NavLink("Weekbriefing", "/briefing", frozenset({"supervisor"}), "/briefing"),
    NavLink("Uitleg", "/uitleg/ernst", frozenset(STAFF_ROLES), "/uitleg/ernst"),
    NavLink("Melden", "/melden", frozenset({PARTNER}), "/melden"),
    NavLink("Mijn meldingen", "/mijn-meldingen", frozenset({PARTNER}), "/mijn-meldingen"),
    NavLink("Partners", "/partners", frozenset({"admin"}), "/partners"),
]


def nav_links(request: Request, user: CurrentUser | None) -> list[NavLink]:
    if user is None:
        return []
    installed = getattr(request.app.state, "route_paths", set())
    return [
        link
        for link in NAV_LINKS
        if user.role in link.roles and (link.path is None or link.path in installed)
    ]


def get_session(request: Request) -> Session:
    """The request's database session. The unit of work (signals.web.uow, installed on every
    route by create_app) opens it and commits it once when the handler returns, or rolls it
    back when the handler raises; routes never commit themselves."""
    session = getattr(request.state, SESSION_STATE, None)
    if not isinstance(session, Session):
        raise RuntimeError("no unit of work: routes must be included by create_app")
    return session


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_SESSION_KEY)
    if not token:
        token = new_token()
        request.session[CSRF_SESSION_KEY] = token
    return token


def current_user(request: Request, session: Session = Depends(get_session)) -> CurrentUser:
    cached = getattr(request.state, "user", None)
    if isinstance(cached, CurrentUser):
        return cached
    uid = request.session.get("uid")
    sid = request.session.get("sid")
    version = request.session.get("sv")
    if not uid or not sid or not isinstance(version, int):
        raise NotAuthenticated()
    user = session.get(User, uid)
    # Role, status and session version are read from the database on every request: a
    # disabled user, a changed role, a logout or a password change ends older cookies at once,
    # also those issued before a restart (the cookie is signed, the version is server-side).
    if user is None or not user.active or (user.session_version or 0) != version:
        request.session.clear()
        raise NotAuthenticated()
    found = CurrentUser(id=user.id, username=user.username, role=user.role)
    request.state.user = found
    return found


def require_roles(*roles: str) -> Callable[..., CurrentUser]:
    """A dependency that admits only the named roles; the roles are also kept on the
    function (`.roles`) so a test can check that every route declares them."""
    allowed = frozenset(roles)

    def dependency(user: CurrentUser = Depends(current_user)) -> CurrentUser:
        if user.role not in allowed:
            raise Forbidden()
        return user

    dependency.roles = allowed  # type: ignore[attr-defined]
    dependency.__name__ = "require_roles_" + "_".join(sorted(allowed))
    return dependency


async def csrf_protect(request: Request) -> None:
    """Require the session's CSRF token: in the X-CSRF-Token header (JSON) or, for HTML
    forms, in the `csrf_token` field."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if not request.session.get("uid") and request.url.path != "/login":
        # Not logged in at all: answer that (401 / login page) whatever the dependency order.
        raise NotAuthenticated()
    expected = request.session.get(CSRF_SESSION_KEY)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FORM_FIELD)
            given = value if isinstance(value, str) else None
    if not tokens_match(expected, given):
        raise CSRFError()


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    user = getattr(request.state, "user", None)
    ctx: dict[str, Any] = {
        "user": user,
        "nav": nav_links(request, user),
        "csrf_token": csrf_token(request),
        "csrf_field": Markup('<input type="hidden" name="{}" value="{}">').format(
            CSRF_FORM_FIELD, csrf_token(request)
        ),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


# Shared role gates. Reusing one object per gate lets FastAPI resolve it once per request.
# "Any role" means the municipality's staff: a partner account reaches only its own pages
# (PARTNERS) and the account routes every account needs (ALL_ACCOUNTS: home, password, logout).
ANY_ROLE = require_roles(*STAFF_ROLES)
ALL_ACCOUNTS = require_roles(*ROLES)
PARTNERS = require_roles(PARTNER)
CONTENT_ROLES = require_roles("analyst", "supervisor")  # may read post content and search
SUPERVISORS = require_roles("supervisor")
AUDITORS = require_roles("auditor", "admin")
ADMINS = require_roles("admin")


def guarded(gate: Callable[..., CurrentUser]) -> list[Any]:
    """A state-changing route's dependencies: its role gate, then the CSRF check."""
    return [Depends(gate), Depends(csrf_protect)]


# Route parameters, so a handler's signature names what it needs and not how it is wired:
#     def page(request: Request, user: ContentUser, session: DbSession) -> Response:
# Each gate is the same object as in `dependencies=[Depends(...)]`, resolved once per request.
DbSession = Annotated[Session, Depends(get_session)]
AnyUser = Annotated[CurrentUser, Depends(ANY_ROLE)]
AccountUser = Annotated[CurrentUser, Depends(ALL_ACCOUNTS)]
PartnerUser = Annotated[CurrentUser, Depends(PARTNERS)]
ContentUser = Annotated[CurrentUser, Depends(CONTENT_ROLES)]
SupervisorUser = Annotated[CurrentUser, Depends(SUPERVISORS)]
AuditorUser = Annotated[CurrentUser, Depends(AUDITORS)]
AdminUser = Annotated[CurrentUser, Depends(ADMINS)]
