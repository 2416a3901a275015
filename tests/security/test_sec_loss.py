"""Loss test: SIGKILL the pipeline in the middle of a run, run it again, and compare with an
uninterrupted run over the same replayed sources. Every post must be stored exactly once,
every signal of the clean run must exist (no loss) exactly once (no duplicate), and the audit
chain must verify."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from secstats import attack

from collectors.replay import serve_directory
from signals.config import REPO_ROOT
from tests.conftest import EMBEDDING_STORE

DEMO = REPO_ROOT / "config" / "demo"
# The politeness delay is for real sites; the local replay server does not need it. The vectors
# come from the test run's store (tests/conftest.py, shared_embedding_store).
RUN = (
    "import dataclasses, os, pathlib\n"
    "import nlp.embedding\n"
    f"nlp.embedding.use_store(pathlib.Path(os.environ['{EMBEDDING_STORE}']))\n"
    "import signals.pipeline as p\n"
    "original = p.collector_settings\n"
    "p.collector_settings = lambda s: dataclasses.replace(original(s), per_domain_delay_s=0.0)\n"
    "p.run_pipeline(alert=False)\n"
)
WAIT_S = 180
# Every test runs the whole pipeline in subprocesses (tens of seconds in all).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_site() -> Iterator[str]:
    # Any free port: the replay server rewrites the files' absolute links to its own origin.
    with serve_directory(DEMO / "site") as base_url:
        yield base_url


def _env(var: Path, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    env.update(
        SIGNALS_VAR_DIR=str(var),
        SIGNALS_DATABASE_URL=f"sqlite:///{var / 'signals.db'}",
        SIGNALS_SOURCES=str(DEMO / "sources.yml"),
        SIGNALS_SOURCES_BASE_URL=base_url,
        SIGNALS_AUTOTAG="on",
        SIGNALS_CONTACT="test@example.org",
        PYTHONPATH=str(REPO_ROOT),
    )
    return env


def _start(var: Path, base_url: str) -> subprocess.Popen:
    # A session of its own: the kill takes the crawler child processes with it.
    return subprocess.Popen(
        [sys.executable, "-c", RUN],
        env=_env(var, base_url),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _finish(proc: subprocess.Popen) -> None:
    _, err = proc.communicate(timeout=WAIT_S)
    lines = [line for line in err.decode(errors="replace").splitlines() if line.strip()]
    errors = [line.strip() for line in lines if "Error" in line and ":" in line]
    # The exception line first: it is what the report shows.
    assert proc.returncode == 0, (
        "rerun crashed: " + (errors[-1] if errors else "?") + "\n" + ("\n".join(lines[-25:]))
    )


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # schema not migrated yet


def _kill_when(proc: subprocess.Popen, db: Path, sql: str) -> bool:
    """SIGKILL the run as soon as `sql` counts something; False if it finished first."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if _count(db, sql) > 0:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return True
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("the pipeline neither stored anything nor finished")


def _outcome(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("SELECT canonical_url FROM posts")]
        groups = conn.execute(
            "SELECT s.id, group_concat(p.canonical_url, '|') FROM signals s "
            "JOIN signal_posts sp ON sp.signal_id = s.id JOIN posts p ON p.id = sp.post_id "
            "GROUP BY s.id"
        ).fetchall()
        unenriched = conn.execute("SELECT count(*) FROM posts WHERE enriched = 0").fetchone()[0]
    return {
        "urls": urls,
        "signals": sorted(tuple(sorted(g.split("|"))) for _, g in groups),
        "unenriched": unenriched,
    }


def _audit_ok(var: Path, base_url: str) -> str:
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "from signals.audit import verify; from signals.db.session import session_scope\n"
            "with session_scope() as s: r = verify(s); print(r.ok, r.checked)",
        ],
        env=_env(var, base_url),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return check.stdout.strip()


@pytest.fixture(scope="module")
def clean_run(demo_site, tmp_path_factory) -> dict:
    var = tmp_path_factory.mktemp("clean") / "var"
    var.mkdir()
    _finish(_start(var, demo_site))
    outcome = _outcome(var / "signals.db")
    assert outcome["urls"] and outcome["signals"]
    return outcome


KILL_POINTS = {
    # Posts (and the sources' cursors) are committed; enrichment and detection are running.
    "after-store": "SELECT count(*) FROM posts",
    # Migrations are done (Alembic stamped its version) but nothing is stored yet.
    "during-collect": "SELECT count(*) FROM alembic_version",
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_mid_run_then_rerun_loses_and_duplicates_nothing(
    demo_site, clean_run, tmp_path, point
):
    var = tmp_path / "var"
    var.mkdir()
    db = var / "signals.db"
    proc = _start(var, demo_site)
    killed = _kill_when(proc, db, KILL_POINTS[point])
    stored_at_kill = _count(db, "SELECT count(*) FROM posts")
    _finish(_start(var, demo_site))
    after = _outcome(db)

    assert len(after["urls"]) == len(set(after["urls"])), "a post was stored twice"
    assert sorted(after["urls"]) == sorted(clean_run["urls"]), "posts lost or extra"
    missing = [s for s in clean_run["signals"] if s not in after["signals"]]
    extra = [s for s in after["signals"] if s not in clean_run["signals"]]
    attack(
        "loss",
        f"SIGKILL {point} (killed={killed}, {stored_at_kill} posts stored at kill), rerun",
        f"{len(after['urls'])}/{len(clean_run['urls'])} posts once each; "
        f"{len(after['signals'])}/{len(clean_run['signals'])} signals; "
        f"{after['unenriched']} posts never enriched; "
        f"{len(missing)} signals lost, {len(extra)} unexpected",
    )
    assert after["unenriched"] == 0, (
        f"{after['unenriched']} posts were stored before the kill and never enriched after it"
    )
    assert not missing, f"signals lost: {missing}"
    assert not extra, f"signals duplicated or split: {extra}"
    assert _audit_ok(var, demo_site).startswith("True")


# Dies (SIGKILL, as an OOM killer or a node loss would) right after the first migration has
# created the posts table, before Alembic stamps the version: deterministic, not timing-based.
KILL_IN_MIGRATION = """
import os, signal
from sqlalchemy import event
from sqlalchemy.engine import Engine

@event.listens_for(Engine, "after_cursor_execute")
def _die(conn, cursor, statement, parameters, context, executemany):
    head = statement.lstrip().upper()
    if head.startswith("CREATE TABLE") and "POSTS" in head.split("(")[0]:
        os.kill(os.getpid(), signal.SIGKILL)

from signals.db.session import get_engine
get_engine()
"""


def test_sigkill_during_the_first_migration_then_rerun_works(demo_site, clean_run, tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    died = subprocess.run(
        [sys.executable, "-c", KILL_IN_MIGRATION],
        env=_env(var, demo_site),
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=WAIT_S,
    )
    assert died.returncode == -signal.SIGKILL
    proc = _start(var, demo_site)
    try:
        _finish(proc)
        outcome = "rerun migrated and completed"
    except AssertionError as exc:
        outcome = "FAILED: " + str(exc).splitlines()[0]
        raise
    finally:
        attack("loss", "SIGKILL inside the first schema migration, rerun", outcome)
    after = _outcome(var / "signals.db")
    assert sorted(after["urls"]) == sorted(clean_run["urls"])
