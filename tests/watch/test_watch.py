"""Issue 16, from post to signal in a minute: `signals watch` and the per-source leases that
keep it and the Airflow DAG from collecting or processing anything twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select

from signals.collect_and_detect import collect_sources, flatten_outcomes, process_new_posts
from signals.config import get_settings
from signals.db.models import Enrichment, Post, SourceLease
from signals.db.session import get_engine, session_scope
from signals.leases import PROCESS_LEASE, acquire_lease, lease_holder, release_lease
from signals.watch import Watcher
from tests.fixture_server import (
    LEGAL_FIELDS,
    FixtureServer,
    fixture_server,  # noqa: F401 - the shared pytest fixture
)

FAST = {"per_domain_delay_s": 0.0, "retries": 0, "timeout_s": 5.0}
SIGNALS_BIN = Path(sys.executable).with_name("signals")


def _write_sources(
    path: Path, server: FixtureServer, feeds: dict[str, str], **extra: object
) -> None:
    sources = [
        {"id": sid, "kind": "feed", "url": server.url(feed), "poll_interval_minutes": 15,
         **LEGAL_FIELDS, **extra}
        for sid, feed in feeds.items()
    ]
    path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")


@pytest.fixture
def env(signals_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Collection and leases are under test here, not the classifier.
    monkeypatch.setenv("SIGNALS_AUTOTAG", "off")
    monkeypatch.setenv("SIGNALS_SOURCES", str(signals_env / "sources.yml"))
    return signals_env


def _posts(source_id: str | None = None) -> int:
    with session_scope(get_engine(get_settings().database_url)) as session:
        query = select(func.count()).select_from(Post)
        if source_id:
            query = query.where(Post.source_id == source_id)
        return session.scalar(query) or 0


# -- leases -------------------------------------------------------------------------------------


def test_a_lease_has_one_holder_until_released_or_expired(db_engine: Engine) -> None:
    assert acquire_lease(db_engine, "bron", "watch:a", 60)
    assert not acquire_lease(db_engine, "bron", "airflow:b", 60)
    assert acquire_lease(db_engine, "bron", "watch:a", 60)  # renewing is fine
    assert lease_holder(db_engine, "bron") == "watch:a"
    release_lease(db_engine, "bron", "airflow:b")  # not b's to release
    assert lease_holder(db_engine, "bron") == "watch:a"
    release_lease(db_engine, "bron", "watch:a")
    assert lease_holder(db_engine, "bron") is None
    assert acquire_lease(db_engine, "bron", "airflow:b", 60)
    # A holder that died: its lease expires and someone else may take over.
    assert acquire_lease(db_engine, "andere", "watch:dood", -1)
    assert lease_holder(db_engine, "andere") is None
    assert acquire_lease(db_engine, "andere", "airflow:b", 60)


def test_contenders_for_one_lease_get_exactly_one_winner(db_engine: Engine) -> None:
    barrier = threading.Barrier(8)

    def contend(i: int) -> bool:
        barrier.wait()
        return acquire_lease(db_engine, "bron", f"holder-{i}", 60)

    for round_ in range(3):
        with ThreadPoolExecutor(8) as pool:
            won = list(pool.map(contend, range(8)))
        assert sum(won) == 1, (round_, won)
        with db_engine.begin() as conn:
            conn.execute(SourceLease.__table__.delete())


# -- beside the DAG ------------------------------------------------------------------------------


def test_the_dag_leaves_a_source_the_watcher_holds(
    env: Path, fixture_server: FixtureServer  # noqa: F811
) -> None:
    _write_sources(env / "sources.yml", fixture_server, {"omroep": "/feeds/omroep-flevoland.rss"})
    engine = get_engine(get_settings().database_url)
    assert acquire_lease(engine, "omroep", "watch:elders", 60)

    held = collect_sources(["omroep"], holder="airflow:run", collector_overrides=FAST)
    assert held.leased_elsewhere == ["omroep"] and not held.failed
    assert fixture_server.hits("/feeds/omroep-flevoland.rss") == []
    assert _posts() == 0

    release_lease(engine, "omroep", "watch:elders")
    done = collect_sources(["omroep"], holder="airflow:run", collector_overrides=FAST)
    assert done.leased_elsewhere == [] and not done.failed
    assert _posts("omroep") > 0
    assert flatten_outcomes([done.as_dict()]) == sorted(done.as_dict()["new_post_ids"])
    assert lease_holder(engine, "omroep") is None  # released once stored


def test_a_failing_source_is_reported_and_the_others_are_stored(
    env: Path, fixture_server: FixtureServer  # noqa: F811
) -> None:
    _write_sources(env / "sources.yml", fixture_server,
                   {"goed": "/feeds/omroep-flevoland.rss", "kapot": "/status/404"})
    outcome = collect_sources(["goed", "kapot"], holder="airflow:run", collector_overrides=FAST)
    assert list(outcome.failed) == ["kapot"] and "404" in outcome.failed["kapot"]
    assert _posts("goed") > 0
    engine = get_engine(get_settings().database_url)
    assert lease_holder(engine, "kapot") is None and lease_holder(engine, "goed") is None


def test_processing_waits_for_the_processing_lease(env: Path) -> None:
    engine = get_engine(get_settings().database_url)
    assert acquire_lease(engine, PROCESS_LEASE, "airflow:process", 60)
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="airflow:process"):
        process_new_posts([], holder="watch:me", wait_s=0.5)
    assert time.monotonic() - started >= 0.5
    release_lease(engine, PROCESS_LEASE, "airflow:process")
    assert process_new_posts([], holder="watch:me", wait_s=0.5)["enriched"] == 0
    assert lease_holder(engine, PROCESS_LEASE) is None


# -- the watcher ---------------------------------------------------------------------------------


def _run_watcher(watcher: Watcher, until: object, timeout: float = 30.0) -> None:
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not until():  # type: ignore[operator]
        time.sleep(0.05)
    watcher.request_stop()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_the_watcher_polls_each_source_by_its_interval(
    env: Path, fixture_server: FixtureServer  # noqa: F811
) -> None:
    sources = [
        {"id": "elke-minuut", "kind": "feed", "url": fixture_server.url("/gen/feed/1.xml?items=3"),
         "poll_interval_minutes": 1, **LEGAL_FIELDS},
        {"id": "ook-elke-minuut", "kind": "feed",
         "url": fixture_server.url("/gen/feed/2.xml?items=2"), "poll_interval_minutes": 1,
         **LEGAL_FIELDS},
    ]
    (env / "sources.yml").write_text(yaml.safe_dump({"sources": sources}))
    watcher = Watcher(tick_s=0.05, collector_overrides=FAST, preload_model=False)
    _run_watcher(watcher, lambda: watcher.summary.polls >= 2)
    time.sleep(0.5)
    assert watcher.summary.polls == 2  # once each: their interval has not passed again
    assert _posts("elke-minuut") == 3 and _posts("ook-elke-minuut") == 2
    assert len(fixture_server.hits("/gen/feed/1.xml")) == 1
    # One fetcher for the watcher's life: robots.txt is read once per host, not per poll.
    assert len(fixture_server.hits("/robots.txt")) == 1


def test_the_watcher_leaves_a_source_the_dag_holds(
    env: Path, fixture_server: FixtureServer  # noqa: F811
) -> None:
    _write_sources(env / "sources.yml", fixture_server,
                   {"vrij": "/feeds/omroep-flevoland.rss", "bezet": "/feeds/messy.rss"})
    engine = get_engine(get_settings().database_url)
    assert acquire_lease(engine, "bezet", "airflow:collect", 60)
    watcher = Watcher(tick_s=0.05, collector_overrides=FAST, preload_model=False)
    _run_watcher(watcher, lambda: watcher.summary.polls >= 1 and watcher.summary.leased_elsewhere)
    assert _posts("vrij") > 0 and _posts("bezet") == 0
    assert fixture_server.hits("/feeds/messy.rss") == []
    assert lease_holder(engine, "bezet") == "airflow:collect"


def test_sigterm_finishes_the_source_in_flight_and_exits_cleanly(
    env: Path, fixture_server: FixtureServer  # noqa: F811
) -> None:
    # The feed takes 3 s to answer; SIGTERM arrives while it is being fetched.
    _write_sources(env / "sources.yml", fixture_server,
                   {"traag": "/slow/3/feeds/omroep-flevoland.rss"})
    proc = subprocess.Popen(
        [str(SIGNALS_BIN), "watch", "--tick", "0.1"], env={**os.environ},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not fixture_server.hits("/slow/3/feeds/omroep-flevoland.rss"):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            # Once (2026-12-07, a fresh clone on a loaded host) the watcher had processed the
            # source in flight and still not exited a minute later; the output was cut off in
            # the report. Every thread's stack (the CLI's faulthandler on SIGUSR1) and the whole
            # log say where it waits, should it happen again.
            proc.send_signal(signal.SIGUSR1)
            time.sleep(2)
            proc.kill()
            out, _ = proc.communicate()
            pytest.fail(f"signals watch did not exit 60 s after SIGTERM:\n{out[-12000:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert "watch stopped" in out
    assert _posts("traag") > 0  # the post in flight was stored, not lost
    assert lease_holder(get_engine(get_settings().database_url), "traag") is None


def _handler_inside_wait(watcher: Watcher, handler: object,
                         wait_s: float = 5) -> threading.Thread:
    """Run `handler` as a signal handler runs when it interrupts the main thread inside
    `stop_event.wait()` at the moment that holds the event's lock (not reentrant); wait up to
    `wait_s` for it to return."""
    def interrupted() -> None:
        with watcher.stop_event._cond:  # what Event.wait() holds around its wait
            handler()  # type: ignore[operator]

    thread = threading.Thread(target=interrupted, daemon=True)
    thread.start()
    thread.join(timeout=wait_s)
    return thread


def test_the_signal_handler_cannot_deadlock_on_the_stop_event(env: Path) -> None:
    watcher = Watcher(tick_s=0.1)
    # What the CLI registered until 2026-12-07: set() waits for the lock its own thread holds.
    # A deadlock never ends: a second shows it as well as five would.
    assert _handler_inside_wait(watcher, watcher.request_stop, wait_s=1).is_alive()

    watcher = Watcher(tick_s=0.1)
    assert not _handler_inside_wait(watcher, watcher.on_signal).is_alive()
    assert watcher.stop_event.wait(timeout=5)  # set once the lock was let go


@pytest.mark.slow
def test_watch_loads_the_model_once_and_tags_each_post_once(
    signals_env: Path, monkeypatch: pytest.MonkeyPatch, nlp_model: Path,
    fixture_server: FixtureServer,  # noqa: F811
) -> None:
    """The watcher and the DAG's steps side by side on the same sources: every post is
    stored once and tagged once, and the watcher loaded the model once."""
    import shutil

    model_dir = signals_env / "models"
    shutil.copytree(nlp_model, model_dir)
    monkeypatch.setenv("SIGNALS_MODEL_DIR", str(model_dir))
    monkeypatch.setenv("SIGNALS_SOURCES", str(signals_env / "sources.yml"))
    feeds = {f"bron-{i}": f"/gen/feed/{i}.xml?items=4" for i in range(6)}
    _write_sources(signals_env / "sources.yml", fixture_server, feeds, poll_interval_minutes=1)
    loads: list[float] = []
    watcher = Watcher(tick_s=0.05, collector_overrides=FAST)
    original = watcher.load_model
    watcher.load_model = lambda: loads.append(original() or 0.0)  # type: ignore[method-assign]

    def dag_side() -> None:
        outcome = collect_sources(list(feeds), holder="airflow:run", force=True,
                                  collector_overrides=FAST)
        process_new_posts(flatten_outcomes([outcome.as_dict()]), holder="airflow:process")

    dag = threading.Thread(target=dag_side)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    dag.start()
    dag.join(timeout=300)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with session_scope(get_engine(get_settings().database_url)) as session:
            stored = session.scalar(select(func.count()).select_from(Post))
            untagged = session.scalar(
                select(func.count()).select_from(Post).where(Post.enriched.is_(False))
            )
        if stored == 24 and untagged == 0:
            break
        time.sleep(0.2)
    watcher.request_stop()
    thread.join(timeout=60)
    assert len(loads) == 1
    with session_scope(get_engine(get_settings().database_url)) as session:
        posts = session.scalar(select(func.count()).select_from(Post))
        tagged = session.execute(
            select(Enrichment.post_id, func.count()).group_by(Enrichment.post_id)
        ).all()
    assert posts == 24
    assert len(tagged) == 24 and {n for _, n in tagged} == {1}
