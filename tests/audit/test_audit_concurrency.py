"""Finding 1 of issue 15: concurrent audited requests over real HTTP must not fork the chain."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from signals.audit import verify
from signals.auth import create_user
from signals.db.models import AuditEvent
from signals.db.session import session_scope
from signals.web.app import create_app
from tests.factories import make_call_signal
from tests.webapp import PASSWORD

from .live import live_server, login_cookies

THREADS = 16
PER_THREAD = 15  # 240 audited requests in all


@pytest.mark.slow
def test_concurrent_audited_reads_keep_one_chain(audit_db):
    with session_scope(audit_db.engine) as session:
        create_user(session, "analist", PASSWORD, "analyst")
        create_user(session, "super", PASSWORD, "supervisor")
    signal_ids = [make_call_signal(audit_db.engine, key=f"k{i}") for i in range(4)]
    app = create_app(audit_db.settings)
    with session_scope(audit_db.engine) as session:
        before = session.scalar(select(func.count(AuditEvent.id))) or 0

    statuses: list[int] = []
    lock = threading.Lock()
    with live_server(app) as base_url:
        # Analysts read signals (audited by the handler); supervisors also read the register
        # (audited by the route's `audited` dependency): both paths append concurrently.
        analyst = login_cookies(base_url, "analist", PASSWORD)
        supervisor = login_cookies(base_url, "super", PASSWORD)
        barrier = threading.Barrier(THREADS)

        def worker(n: int) -> None:
            cookies = analyst if n % 2 else supervisor
            with httpx.Client(base_url=base_url, cookies=cookies, timeout=60) as client:
                barrier.wait()
                for i in range(PER_THREAD):
                    sid = signal_ids[(n + i) % len(signal_ids)]
                    path = "/api/register" if (n % 2 == 0 and i % 2) else f"/api/signals/{sid}"
                    code = client.get(path).status_code
                    with lock:
                        statuses.append(code)

        started = time.monotonic()
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(worker, range(THREADS)))
        elapsed = time.monotonic() - started

    assert statuses.count(200) == THREADS * PER_THREAD, sorted(set(statuses))
    with session_scope(audit_db.engine) as session:
        reads = session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action.in_(("signal.view", "register.list"))
            )
        )
        assert reads == THREADS * PER_THREAD
        total = session.scalar(select(func.count(AuditEvent.id)))
        assert total >= before + THREADS * PER_THREAD
        shared = session.execute(
            select(AuditEvent.prev_hash, func.count())
            .group_by(AuditEvent.prev_hash)
            .having(func.count() > 1)
        ).all()
        assert shared == [], f"{len(shared)} prev_hash values shared by several rows"
        result = verify(session)
    assert result.ok, result
    assert result.checkpoints >= 2  # written every 100 events during the run, all checked
    print(f"{audit_db.kind}: {THREADS * PER_THREAD} audited requests in {elapsed:.1f}s")
