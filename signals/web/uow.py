"""The web app's unit of work: one database session per request, committed once when the
handler returns and rolled back when it raises (signals.db.unit_of_work says what a service
may register to outlive a rollback). Routes never commit or roll back themselves.

`create_app` installs `UOW` on every route; handlers and other dependencies get the session
with `Depends(get_session)` (signals.web.deps). A form that shows a refusal inline instead
of the error page uses `form_refusal`:

    with form_refusal(session) as refused:
        services.users.create_user(session, actor, ...)
    if refused:
        return _page(request, session, error=refused.message, status=refused.status_code)
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from signals.db.unit_of_work import abort, discard, finish
from signals.errors import DomainError

SESSION_STATE = "db"


def unit_of_work(request: Request) -> Iterator[None]:
    session: Session = request.app.state.sessionmaker()
    setattr(request.state, SESSION_STATE, session)
    try:
        yield
    except BaseException:
        abort(session)
        raise
    else:
        finish(session)
    finally:
        session.close()


# scope="function": the commit happens when the handler returns, before the response is sent,
# so a client never sees an answer whose change is not stored yet.
UOW = Depends(unit_of_work, scope="function")


class FormRefusal:
    """Catches a refused act (a DomainError) inside its block and undoes what the act changed,
    keeping its refusal record; true afterwards if the act was refused.

    `undo=False` is for acts that refuse before they change anything and write the refusal's
    audit record into the session themselves (signals.privacy): the session is kept as it is
    and commits with the request."""

    def __init__(self, session: Session, *, undo: bool = True) -> None:
        self.session = session
        self.undo = undo
        self.error: DomainError | None = None

    def __enter__(self) -> FormRefusal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if not isinstance(exc, DomainError):
            return False
        if self.undo:
            discard(self.session)
        self.error = exc
        return True

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""

    @property
    def status_code(self) -> int:
        return self.error.status_code if self.error else 200


def form_refusal(session: Session, *, undo: bool = True) -> FormRefusal:
    return FormRefusal(session, undo=undo)
