"""The unit of work around one request, command or task: one commit when it succeeds, one
rollback when it fails. Services never commit; whoever runs them ends the unit with `finish`
(success) or `abort` (an error), as the web app's `uow` dependency and `session_scope` do.

Two kinds of work do not follow the act's fate, and a service registers them on the session:

- `keep`: a write that must land whatever happens to the act, such as the audit record of a
  refusal ("analyst X tried to close signal 7 with a stale version"). It is written just before
  the commit, or, when the act fails, after the rollback in a short transaction of its own.
- `after_commit`: work outside the database that mirrors it, such as re-indexing a signal whose
  status changed. It runs only once the act is committed; a failure is logged, never raised
  (the search index is rebuilt from the database by `signals reindex`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

Write = Callable[[Session], object]

_KEEP = "uow.keep"
_AFTER_COMMIT = "uow.after_commit"


def keep(session: Session, write: Write) -> None:
    """Register a write that lands whether the unit of work commits or fails."""
    session.info.setdefault(_KEEP, []).append(write)


def after_commit(session: Session, action: Write) -> None:
    """Register work to run once the unit of work has committed (dropped if it fails)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


def _write_kept(session: Session) -> bool:
    writes = session.info.pop(_KEEP, [])
    for write in writes:
        write(session)
    return bool(writes)


@event.listens_for(Session, "before_commit")
def _kept_before_commit(session: Session) -> None:
    # Any commit, also a plain session.commit() in older code, carries the kept writes.
    _write_kept(session)


def finish(session: Session) -> None:
    """Commit the unit of work, then run its after-commit work (each in its own commit)."""
    session.commit()
    for action in session.info.pop(_AFTER_COMMIT, []):
        try:
            action(session)
            session.commit()
        except Exception:
            log.exception("after-commit work failed; the committed act stands")
            session.rollback()


def discard(session: Session) -> None:
    """Undo the act so far but keep what must stay: the kept writes are written at the next
    commit. For a form that shows a refusal inline and then commits normally."""
    session.info.pop(_AFTER_COMMIT, None)
    session.rollback()


def abort(session: Session) -> None:
    """Roll the unit of work back; then write and commit what must stay (refusal records)."""
    discard(session)
    if session.info.get(_KEEP):
        try:
            session.commit()  # before_commit writes them
        except Exception:
            log.exception("could not keep the refusal's audit record")
            session.rollback()


@contextmanager
def separate(session: Session) -> Iterator[Session]:
    """A short unit of work of its own next to `session`, committed when the block ends: for
    a record that must be committed before a long read (the audit log's verification must not
    hold the chain's write lock). `session` must not hold uncommitted writes (SQLite would make
    this one wait for them)."""
    own = Session(bind=session.get_bind(), expire_on_commit=False)
    try:
        yield own
        finish(own)
    except BaseException:
        abort(own)
        raise
    finally:
        own.close()
