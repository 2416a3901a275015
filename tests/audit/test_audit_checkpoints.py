"""Finding 3 of issue 15: truncating or rewriting the chain must fail `verify`, naming what is
missing, thanks to signed checkpoints kept outside the database."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

import signals.audit as audit_module
from signals.audit import record, verify
from signals.audit_checkpoints import CheckpointRefused, checkpoint_path, load, write_checkpoint
from signals.audit_hash import GENESIS, compute_hash
from signals.checkpoint_keys import public_key
from signals.cli import app as cli_app
from signals.config import get_settings
from signals.db.models import AuditEvent
from signals.db.session import session_scope
from signals.db.types import utcnow

EVENTS = 500
EVERY = 100


def _fill(engine, n: int = EVENTS, *, reveal_at: int = 300, per_commit: int = 25) -> list[int]:
    """n events in commits of `per_commit`; event number `reveal_at` is a privacy.reveal."""
    done = 0
    while done < n:
        with session_scope(engine) as session:
            for _ in range(min(per_commit, n - done)):
                done += 1
                action = "privacy.reveal" if done == reveal_at else "signal.view"
                record(session, actor=f"user{done % 7}", actor_role="analyst", action=action)
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


@pytest.fixture
def anchored(audit_db, monkeypatch):
    """500 events, checkpoints written automatically every 100 and one at the end (CLI)."""
    monkeypatch.setenv("SIGNALS_AUDIT_CHECKPOINT_EVERY", str(EVERY))
    ids = _fill(audit_db.engine)
    write_checkpoint(audit_db.engine, "cli")
    return audit_db, ids


def _verify(engine):
    with session_scope(engine) as session:
        return verify(session)


def _text(result) -> str:
    return "\n".join(result.problems)


def test_checkpoints_are_written_signed_and_outside_the_database(anchored):
    db, ids = anchored
    settings = get_settings()
    path = checkpoint_path(settings)
    assert path.parent == settings.var_dir / "audit-checkpoints"
    found = load(settings)
    assert found.problems == ()
    # Every 100 events (after the commit that crossed the mark) plus the CLI one.
    assert len(found.checkpoints) >= EVENTS // EVERY
    assert all(cp.signature_ok for cp in found.checkpoints)
    last = found.checkpoints[-1]
    assert (last.last_id, last.count) == (ids[-1], EVENTS)
    with session_scope(db.engine) as session:
        assert last.head_hash == session.scalar(
            select(AuditEvent.hash).where(AuditEvent.id == ids[-1])
        )
    key_file = settings.audit_checkpoint_key_path
    assert key_file is not None and key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_file.parent == settings.pseudonym_key_dir
    result = _verify(db.engine)
    assert result.ok, result.problems
    assert result.checkpoints == len(found.checkpoints)


def test_deleting_the_last_25_rows_is_detected(anchored):
    db, ids = anchored
    with session_scope(db.engine) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id > ids[-26]))
    result = _verify(db.engine)
    assert not result.ok
    assert f"chain ends at id {ids[-26]} but checkpoint" in _text(result)
    assert f"recorded id {ids[-1]}: rows {ids[-25]}–{ids[-1]} are missing" in _text(result)


def test_deleting_everything_from_the_first_reveal_is_detected(anchored):
    db, ids = anchored
    with session_scope(db.engine) as session:
        reveal = session.scalar(select(func_min_id()).where(AuditEvent.action == "privacy.reveal"))
        session.execute(delete(AuditEvent).where(AuditEvent.id >= reveal))
    result = _verify(db.engine)
    assert not result.ok
    assert f"chain ends at id {reveal - 1} but checkpoint" in _text(result)
    assert f"rows {reveal}–{ids[-1]} are missing" in _text(result)


def func_min_id():
    from sqlalchemy import func

    return func.min(AuditEvent.id)


def test_deleting_rows_1_to_100_is_detected(anchored):
    db, ids = anchored
    with session_scope(db.engine) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id <= ids[99]))
    result = _verify(db.engine)
    assert not result.ok
    first, hundredth = ids[0], ids[99]
    assert (
        f"rows {first}–{hundredth} are missing: first row id {ids[100]} does not link to genesis"
    ) in _text(result)
    assert result.first_broken_id is not None and result.first_broken_id <= ids[100]
    # A checkpoint written now would anchor the truncated chain: the writer refuses.
    with pytest.raises(CheckpointRefused):
        write_checkpoint(db.engine, "cli")


def test_recomputing_all_hashes_after_editing_an_actor_is_detected(anchored):
    db, ids = anchored
    with session_scope(db.engine) as session:
        session.execute(
            update(AuditEvent).where(AuditEvent.id == ids[41]).values(actor="iemand-anders")
        )
        prev = GENESIS
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            event.prev_hash = prev
            event.hash = compute_hash(prev, event)
            prev = event.hash
            session.flush()
    result = _verify(db.engine)
    assert not result.ok
    assert result.checked == EVENTS  # the chain itself links perfectly
    assert f"row {ids[-1]} does not match checkpoint" in _text(result)
    assert "the chain was rewritten at or before id" in _text(result)


def test_forged_or_removed_checkpoint_is_detected(anchored):
    db, _ids = anchored
    path = checkpoint_path(get_settings())
    lines = path.read_text().splitlines()
    second = json.loads(lines[1])
    second["count"] += 1
    lines[1] = json.dumps(second, sort_keys=True, separators=(",", ":"))
    del lines[2]
    path.write_text("\n".join(lines) + "\n")
    result = _verify(db.engine)
    assert not result.ok
    text = _text(result)
    assert "checkpoint 2 (" in text and "signature invalid" in text
    assert "checkpoint 3 missing from the checkpoint file" in text


def test_a_clean_chain_without_checkpoints_still_checks_genesis(audit_db):
    ids = _fill(audit_db.engine, 60, reveal_at=0)
    assert _verify(audit_db.engine).ok
    with session_scope(audit_db.engine) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id <= ids[9]))
    result = _verify(audit_db.engine)
    assert not result.ok
    assert f"first row id {ids[10]} does not link to genesis" in result.reason


def test_retention_purge_is_not_mistaken_for_truncation(audit_db, monkeypatch):
    """A purge of old events records the new start in a signed checkpoint."""
    from signals.retention import purge_due

    monkeypatch.setenv("SIGNALS_AUDIT_CHECKPOINT_EVERY", str(EVERY))
    old = utcnow() - timedelta(days=800)
    monkeypatch.setattr(audit_module, "utcnow", lambda: old)
    _fill(audit_db.engine, 150, reveal_at=0)
    monkeypatch.undo()
    monkeypatch.setenv("SIGNALS_DATABASE_URL", audit_db.settings.database_url)
    monkeypatch.setenv("SIGNALS_VAR_DIR", str(audit_db.settings.var_dir))
    monkeypatch.setenv("SIGNALS_AUDIT_CHECKPOINT_EVERY", str(EVERY))
    recent = _fill(audit_db.engine, 50, reveal_at=0)
    report = purge_due()
    assert report["audit_events"] == 150
    found = load()
    assert found.checkpoints[-1].reason == "retention"
    assert found.checkpoints[-1].base_count == 150
    result = _verify(audit_db.engine)
    assert result.ok, result.problems
    # Deleting more than the purge did is still caught.
    with session_scope(audit_db.engine) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id <= recent[150 + 9]))
    result = _verify(audit_db.engine)
    assert not result.ok
    assert "does not link to genesis or the retention anchor of checkpoint" in _text(result)


class _Receiver(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["content-length"]))
        type(self).received.append(body)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args) -> None:
        return


def test_checkpoint_copies_go_to_webhook_and_syslog(audit_db, monkeypatch):
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(5)
    monkeypatch.setenv(
        "SIGNALS_AUDIT_CHECKPOINT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/cp"
    )
    monkeypatch.setenv("SIGNALS_AUDIT_CHECKPOINT_SYSLOG", f"127.0.0.1:{udp.getsockname()[1]}")
    try:
        _fill(audit_db.engine, 5, reveal_at=0)
        cp = write_checkpoint(audit_db.engine, "cli")
        assert cp is not None
        datagram = udp.recv(65536).decode()
    finally:
        server.shutdown()
        udp.close()
    assert len(_Receiver.received) == 1
    sent = json.loads(_Receiver.received[0])
    assert sent["head_hash"] == cp.head_hash and sent["seq"] == cp.seq
    # The copy carries the signature; anyone with the public key can check it.
    key = public_key(get_settings())
    assert key is not None
    key.verify(bytes.fromhex(sent["sig"]), cp.signed_bytes())
    assert "audit-checkpoint" in datagram and cp.head_hash in datagram


def test_cli_checkpoint_and_verify(audit_db):
    _fill(audit_db.engine, 30, reveal_at=0)
    runner = CliRunner()
    made = runner.invoke(cli_app, ["audit", "checkpoint"])
    assert made.exit_code == 0, made.output
    assert "checkpoint 1: id" in made.output and "30 events" in made.output
    ok = runner.invoke(cli_app, ["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output and "1 checkpoints" in ok.output
    assert "not anchored" not in ok.output
    _fill(audit_db.engine, 2, reveal_at=0)
    later = runner.invoke(cli_app, ["audit", "verify"])
    assert later.exit_code == 0 and "2 events after the last checkpoint" in later.output
    assert runner.invoke(cli_app, ["audit", "checkpoint"]).exit_code == 0
    with session_scope(audit_db.engine) as session:
        last = session.scalar(select(func_min_id().op("+")(31)))
        session.execute(delete(AuditEvent).where(AuditEvent.id >= last - 4))
    broken = runner.invoke(cli_app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN" in broken.output and "chain ends at id" in broken.output


def test_key_from_environment_is_used_and_not_written(audit_db, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    seed = Ed25519PrivateKey.generate().private_bytes_raw().hex()
    monkeypatch.setenv("SIGNALS_AUDIT_CHECKPOINT_KEY", seed)
    _fill(audit_db.engine, 3, reveal_at=0)
    assert write_checkpoint(audit_db.engine, "cli") is not None
    settings = get_settings()
    assert settings.audit_checkpoint_key_path is not None
    assert not settings.audit_checkpoint_key_path.exists()
    assert _verify(audit_db.engine).ok
    # Another key (a forger's) makes every signature invalid.
    monkeypatch.setenv(
        "SIGNALS_AUDIT_CHECKPOINT_KEY", Ed25519PrivateKey.generate().private_bytes_raw().hex()
    )
    result = _verify(audit_db.engine)
    assert (
        not result.ok and "checkpoint 1 (" in result.reason and "signature invalid" in result.reason
    )
    assert os.environ["SIGNALS_AUDIT_CHECKPOINT_KEY"] != seed


def test_a_pipeline_run_writes_a_checkpoint(audit_db, monkeypatch):
    from collectors.models import SourceConfig
    from signals.pipeline import run_pipeline

    monkeypatch.setenv("SIGNALS_AUTOTAG", "off")
    idle = SourceConfig(
        id="stil",
        kind="feed",
        url="http://127.0.0.1:9/feed",
        enabled=False,
        purpose="test: a disabled source",
        legal_basis="test only",
        public_because="test only, never fetched",
    )
    run_pipeline(get_settings(), [idle], alert=False)
    found = load()
    assert [cp.reason for cp in found.checkpoints] == ["pipeline"]
    with session_scope(audit_db.engine) as session:
        head = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert head.action == "pipeline.run"
        assert found.checkpoints[0].last_id == head.id


def test_the_first_checkpoint_refuses_a_chain_cut_at_the_start(audit_db):
    ids = _fill(audit_db.engine, 20, reveal_at=0)
    with session_scope(audit_db.engine) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id <= ids[4]))
    with pytest.raises(CheckpointRefused, match="does not link to genesis"):
        write_checkpoint(audit_db.engine, "cli")
    assert load().checkpoints == ()
