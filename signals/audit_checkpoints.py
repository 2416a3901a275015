"""Signed checkpoints that anchor the audit chain outside the database.

A hash chain alone shows that rows were changed, not that rows were cut off or that the whole
chain was recomputed. A checkpoint records (last id, head hash, count, time) of the chain,
signed with an Ed25519 key that is not in the database, and is appended as one JSON line to
`checkpoints.jsonl` in its own directory (SIGNALS_AUDIT_CHECKPOINT_DIR, default
var/audit-checkpoints/), optionally also to syslog and a webhook. `signals.audit.verify`
checks the chain against every checkpoint.

When: after every SIGNALS_AUDIT_CHECKPOINT_EVERY events (default 100, after the commit that
crossed the mark), after the commit of every `pipeline.run` event (CLI, DAG or watcher), after
every retention run (which also records
the new start of the chain when old events were purged) and on `signals audit checkpoint`.

`count` is the number of events from genesis up to and including `last_id`, also counting
events since removed by the retention purge; `base_*` says where the stored chain starts:
(0, genesis, 0) until a purge, then (last purged id, its hash, events purged in all).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import logging.handlers
import os
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from nlp.vocabulary import TZ
from signals.audit_hash import GENESIS
from signals.checkpoint_keys import key_id, private_key, public_key
from signals.checkpoint_publish import publish
from signals.config import Settings, get_settings
from signals.db.models import AuditEvent

log = logging.getLogger(__name__)
LOCAL_TZ = TZ

FILE_NAME = "checkpoints.jsonl"
SIGNED_FIELDS = (
    "seq",
    "ts",
    "reason",
    "last_id",
    "head_hash",
    "count",
    "base_id",
    "base_hash",
    "base_count",
    "first_id",
    "prev",
)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    ts: str  # UTC, ISO 8601
    reason: str  # events | pipeline | retention | cli
    last_id: int
    head_hash: str
    count: int
    base_id: int = 0
    base_hash: str = GENESIS
    base_count: int = 0
    first_id: int = 0  # the first stored row when written (names the range if rows go missing)
    prev: str = GENESIS  # sha256 of the previous line: the file is a chain of its own
    key_id: str = ""
    sig: str = ""
    # Set when read back, never written.
    signature_ok: bool | None = field(default=None, compare=False)

    def signed_bytes(self) -> bytes:
        payload = {name: getattr(self, name) for name in SIGNED_FIELDS}
        return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()

    def to_line(self) -> str:
        data = asdict(self)
        data.pop("signature_ok")
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.ts)

    def label(self) -> str:
        local = self.moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        return f"checkpoint {self.seq} ({local})"


@dataclass(frozen=True, slots=True)
class CheckpointLog:
    """What the checkpoint file holds, as read for verification."""

    checkpoints: tuple[Checkpoint, ...] = ()
    problems: tuple[str, ...] = ()  # about the file itself: unreadable, edited, gaps, no key


# --- reading ----------------------------------------------------------------------------


def checkpoint_path(settings: Settings) -> Path:
    directory = settings.audit_checkpoint_dir or settings.var_dir / "audit-checkpoints"
    return directory / FILE_NAME


def _parse(line: str) -> Checkpoint:
    data = json.loads(line)
    data.pop("signature_ok", None)
    return Checkpoint(**data)


def _raw_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load(settings: Settings | None = None) -> CheckpointLog:
    """Read every checkpoint, check each signature and that the file is an unbroken chain."""
    settings = settings or get_settings()
    lines = _raw_lines(checkpoint_path(settings))
    if not lines:
        return CheckpointLog()
    problems: list[str] = []
    key = public_key(settings)
    if key is None:
        problems.append(
            "no checkpoint key configured (SIGNALS_AUDIT_CHECKPOINT_KEY, _PUBLIC_KEY or the key "
            "file): checkpoint signatures cannot be checked"
        )
    out: list[Checkpoint] = []
    prev_line_hash = GENESIS
    expected_seq = 1
    for number, line in enumerate(lines, start=1):
        try:
            cp = _parse(line)
        except (ValueError, TypeError) as exc:
            problems.append(f"line {number} of the checkpoint file is unreadable ({exc})")
            prev_line_hash = hashlib.sha256(line.encode()).hexdigest()
            continue
        ok = False
        if key is not None:
            try:
                key.verify(bytes.fromhex(cp.sig), cp.signed_bytes())
                ok = True
            except (InvalidSignature, ValueError):
                ok = False
        cp = Checkpoint(**{**asdict(cp), "signature_ok": ok})
        if cp.seq != expected_seq:
            if cp.seq > expected_seq:
                missing = (
                    f"checkpoint {expected_seq}"
                    if cp.seq == expected_seq + 1
                    else f"checkpoints {expected_seq}–{cp.seq - 1}"
                )
                problems.append(f"{missing} missing from the checkpoint file")
            else:
                problems.append(f"checkpoint {cp.seq} appears out of order in the checkpoint file")
        elif cp.prev != prev_line_hash:
            problems.append(
                f"checkpoint {cp.seq} does not follow the line before it: the checkpoint file "
                "was edited"
            )
        expected_seq = cp.seq + 1
        prev_line_hash = hashlib.sha256(line.encode()).hexdigest()
        out.append(cp)
    return CheckpointLog(tuple(out), tuple(problems))


def load_for(session: Session) -> CheckpointLog:
    """The configured checkpoints, if the session is bound to the configured database (the
    checkpoint file anchors that database only; a test's or tool's other database has none)."""
    settings = get_settings()
    if not _is_configured_database(session, settings):
        return CheckpointLog()
    return load(settings)


def _is_configured_database(session: Session, settings: Settings) -> bool:
    url = _engine(session).url.render_as_string(hide_password=False)
    return url == _normalised(settings.database_url)


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine  # an Engine's .engine is itself; a Connection's is its engine


def latest_for(session: Session, before: datetime | None = None) -> Checkpoint | None:
    """The newest valid checkpoint of the session's database (None for another database)."""
    found = None
    for cp in load_for(session).checkpoints:
        if cp.signature_ok and (before is None or cp.moment < before):
            found = cp
    return found


def latest(settings: Settings | None = None, before: datetime | None = None) -> Checkpoint | None:
    """The newest checkpoint with a valid signature (written before `before`, if given)."""
    found = None
    for cp in load(settings).checkpoints:
        if cp.signature_ok and (before is None or cp.moment < before):
            found = cp
    return found


# --- writing ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purged:
    """What a retention run removed from the start of the chain."""

    last_id: int
    last_hash: str
    events: int


class CheckpointRefused(RuntimeError):
    """The database does not continue the chain the last checkpoint anchored."""


def _head(session: Session, base_id: int) -> tuple[int, str, int, int] | None:
    first_id, last_id = session.execute(
        select(func.min(AuditEvent.id), func.max(AuditEvent.id)).where(AuditEvent.id > base_id)
    ).one()
    if last_id is None:
        return None
    # Rows above last_id may have been committed meanwhile: count only up to it.
    rows = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.id > base_id, AuditEvent.id <= last_id)
    )
    head_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == last_id))
    return int(last_id), str(head_hash), int(rows or 0), int(first_id)


def _check_continues(session: Session, prev: Checkpoint, base_id: int, base_hash: str) -> None:
    """Refuse to sign a database that does not continue what the last checkpoint anchored."""
    first = session.execute(
        select(AuditEvent.id, AuditEvent.prev_hash).order_by(AuditEvent.id).limit(1)
    ).first()
    if first is not None and first.prev_hash != base_hash:
        raise CheckpointRefused(
            f"first row id {first.id} does not link to the start recorded by {prev.label()}"
        )
    if prev.last_id > base_id:
        at = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == prev.last_id))
        if at != prev.head_hash:
            raise CheckpointRefused(f"row {prev.last_id} is missing or differs from {prev.label()}")


def _first_start(session: Session) -> tuple[int, str, int]:
    """Where the chain starts, for the very first checkpoint: genesis, or (in a database whose
    oldest events a retention run removed before checkpoints existed) the anchor that run
    recorded in its own audit event. Anything else is refused: it would sign a cut chain."""
    first = session.execute(
        select(AuditEvent.id, AuditEvent.prev_hash).order_by(AuditEvent.id).limit(1)
    ).first()
    if first is None or first.prev_hash == GENESIS:
        return 0, GENESIS, 0
    for details in session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "retention.purge")
    ):
        if (details or {}).get("audit_anchor_hash") == first.prev_hash:
            purged = int((details or {}).get("audit_events_purged") or 0)
            return first.id - 1, first.prev_hash, purged
    raise CheckpointRefused(
        f"first row id {first.id} does not link to genesis nor to a retention anchor"
    )


def write_checkpoint(
    engine: Engine,
    reason: str,
    *,
    settings: Settings | None = None,
    purged: Purged | None = None,
    only_if_new: int = 0,
    wait: bool = True,
) -> Checkpoint | None:
    """Anchor the committed head of the chain. Appends one signed line under an exclusive
    file lock (several processes may write). Returns None when there is nothing to anchor,
    when fewer than `only_if_new` events came since the last checkpoint, or (wait=False) when
    another writer holds the lock."""
    settings = settings or get_settings()
    path = checkpoint_path(settings)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    private = private_key(settings, create=True)
    assert private is not None
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None  # another writer is anchoring the chain right now
        try:
            handle.seek(0)
            lines = [line for line in handle.read().splitlines() if line.strip()]
            prev = _parse(lines[-1]) if lines else None
            base_id, base_hash, base_count = (
                (prev.base_id, prev.base_hash, prev.base_count) if prev else (0, GENESIS, 0)
            )
            if purged is not None and purged.events:
                base_id, base_hash = purged.last_id, purged.last_hash
                base_count += purged.events
            with Session(engine) as session:
                if prev is not None:
                    _check_continues(session, prev, base_id, base_hash)
                elif purged is None or not purged.events:
                    base_id, base_hash, base_count = _first_start(session)
                head = _head(session, base_id)
            if head is None:
                return None
            last_id, head_hash, rows, first_id = head
            if only_if_new and prev is not None and last_id - prev.last_id < only_if_new:
                return None
            unsigned = Checkpoint(
                seq=(prev.seq + 1) if prev else 1,
                ts=datetime.now(UTC).isoformat(timespec="seconds"),
                reason=reason,
                last_id=last_id,
                head_hash=head_hash,
                count=base_count + rows,
                base_id=base_id,
                base_hash=base_hash,
                base_count=base_count,
                first_id=first_id,
                prev=hashlib.sha256(lines[-1].encode()).hexdigest() if lines else GENESIS,
                key_id=key_id(private.public_key()),
            )
            signed = Checkpoint(
                **{
                    **asdict(unsigned),
                    "sig": private.sign(unsigned.signed_bytes()).hex(),
                    "signature_ok": None,
                }
            )
            handle.write(signed.to_line() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    _remember(path, signed.last_id)
    publish(settings, signed.seq, signed.to_line())
    return signed


# --- every N events ---------------------------------------------------------------------

_last_written: dict[Path, int] = {}
_last_lock = threading.Lock()
_DUE_KEY = "audit_checkpoint_due"


def _remember(path: Path, last_id: int) -> None:
    with _last_lock:
        _last_written[path] = max(last_id, _last_written.get(path, 0))


def _last_anchored(path: Path, session: Session) -> int:
    with _last_lock:
        if path in _last_written:
            return _last_written[path]
    lines = _raw_lines(path)
    if lines:
        last = _parse(lines[-1]).last_id
    else:  # no checkpoint yet: count from the chain's first row (ids need not start at 1)
        last = (session.scalar(select(func.min(AuditEvent.id))) or 1) - 1
    _remember(path, last)
    return last


# Events whose commit is always followed by a checkpoint, whichever code path wrote them
# (the CLI's run, the Airflow DAG's process task, the watcher).
ANCHORED_ACTIONS = {"pipeline.run": "pipeline"}


def note_append(session: Session, event_id: int, action: str = "") -> None:
    """Called by `signals.audit.record`: mark the session when its commit crosses the mark
    (or records a pipeline run). Only for the configured database, so a test's or tool's
    other database never writes into the configured checkpoint file."""
    settings = get_settings()
    if not _is_configured_database(session, settings):
        return
    bind = _engine(session)
    if action in ANCHORED_ACTIONS:
        session.info[_DUE_KEY] = (bind, ANCHORED_ACTIONS[action])
        return
    if session.info.get(_DUE_KEY):
        return
    path = checkpoint_path(settings)
    if event_id - _last_anchored(path, session) >= settings.audit_checkpoint_every:
        session.info[_DUE_KEY] = (bind, "events")


def _normalised(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def skip_auto(session: Session) -> None:
    """For a caller that writes its own checkpoint after committing (the retention run)."""
    session.info.pop(_DUE_KEY, None)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    due = session.info.pop(_DUE_KEY, None)
    if due is None:
        return
    engine, reason = due
    try:
        if reason == "events":
            # Never queue behind another writer while holding a request's connection.
            every = get_settings().audit_checkpoint_every
            write_checkpoint(engine, reason, only_if_new=every, wait=False)
        else:
            write_checkpoint(engine, reason)
    except CheckpointRefused as exc:
        log.error("audit checkpoint refused: %s (run `signals audit verify`)", exc)
    except Exception:  # noqa: BLE001 - the act is committed; never fail it afterwards
        log.exception("audit checkpoint could not be written")


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_DUE_KEY, None)
