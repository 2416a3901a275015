"""Read auditing: every route that shows case data or personal data leaves an audit row.

Each GET route declares, next to its roles, whether and how its reads are audited:

    @router.get("/register", dependencies=[audited("register.list")])
    @router.get("/signalen/{signal_id}", dependencies=[audited_by_handler("signal.view")])
    @router.get("/wachtwoord", dependencies=[not_audited("own password form, no case data")])

`audited` records the read itself, once the endpoint has returned without an error (a refused
or failed request showed nothing) and before the response is sent. `audited_by_handler` says
that the endpoint records the event itself, with details only it knows (search terms, the
verification result). tests/web/test_read_audit.py fails for a GET route without a declaration
and for a declared route that leaves no row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from signals.audit import record
from signals.web.deps import get_session

MAX_VALUE = 64


@dataclass(frozen=True, slots=True)
class ReadAudit:
    action: str | None  # None: not audited
    by_handler: bool = False
    reason: str = ""  # why a route is not audited


def _declared(func: Callable[..., Any], decl: ReadAudit) -> Any:
    func.read_audit = decl  # type: ignore[attr-defined]
    return func


def _details(request: Request) -> dict[str, Any]:
    route = request.scope.get("route")
    details: dict[str, Any] = {"route": getattr(route, "path", request.url.path)}
    if request.path_params:
        details["params"] = {k: str(v)[:MAX_VALUE] for k, v in request.path_params.items()}
    if request.query_params:
        details["query"] = {k: v[:MAX_VALUE] for k, v in request.query_params.items()}
    return details


def audited(
    action: str,
    *,
    target_type: str | None = None,
    target_param: str | None = None,
    purpose: str = "inzage",
) -> Any:
    """A dependency that records one audit row for a successful read of this route."""

    def dependency(request: Request, session: Session = Depends(get_session)) -> Iterator[None]:
        yield
        user = getattr(request.state, "user", None)
        if user is None:  # every audited route has a role gate; nothing was shown
            return
        # In the request's unit of work, which commits it with the request (signals.web.uow).
        record(
            session,
            actor=user.username,
            actor_role=user.role,
            action=action,
            target_type=target_type,
            target_id=request.path_params.get(target_param) if target_param else None,
            purpose=purpose,
            details=_details(request),
        )

    dependency.__name__ = "audited_" + action.replace(".", "_")
    _declared(dependency, ReadAudit(action))
    # scope="function": the row is written after the endpoint returns, before the unit of work
    # commits and the response is sent.
    return Depends(dependency, scope="function")


def audited_by_handler(action: str) -> Any:
    """Declares that the endpoint records `action` itself."""

    def dependency() -> None:
        return None

    dependency.__name__ = "audited_by_handler_" + action.replace(".", "_")
    return Depends(_declared(dependency, ReadAudit(action, by_handler=True)))


def not_audited(reason: str) -> Any:
    """Declares that the route shows no case data and no personal data, and why."""
    if not reason.strip():
        raise ValueError("say why the route needs no read audit")

    def dependency() -> None:
        return None

    dependency.__name__ = "not_audited"
    return Depends(_declared(dependency, ReadAudit(None, reason=reason)))


def declaration(route: Any) -> ReadAudit | None:
    """The read-audit declaration of an APIRoute, if any."""
    for dep in route.dependant.dependencies:
        decl = getattr(dep.call, "read_audit", None)
        if isinstance(decl, ReadAudit):
            return decl
    return None
