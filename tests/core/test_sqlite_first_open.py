"""Threads opening a fresh SQLite file at once, as the pipeline and the web app do at start-up."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from signals.db.session import get_engine, make_engine

THREADS = 6


def _open_together(engines: list, work) -> list[BaseException]:
    barrier = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def run(engine) -> None:
        barrier.wait()
        try:
            work(engine)
        except BaseException as error:  # noqa: BLE001 - every failure is the finding
            errors.append(error)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _connect(engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def _migrated(url: str) -> None:
    with get_engine(url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_connections_racing_to_switch_a_fresh_file_to_wal_all_open(tmp_path: Path):
    # Without the retry about 1 round in 20 lost a connection to "database is locked".
    for round_ in range(120):
        url = f"sqlite:///{tmp_path}/race-{round_}.db"
        errors = _open_together([make_engine(url) for _ in range(THREADS)], _connect)
        assert errors == [], f"round {round_}: {errors[0]!r}"


def test_threads_migrating_a_fresh_file_at_once_all_get_the_schema(tmp_path: Path):
    for round_ in range(10):
        url = f"sqlite:///{tmp_path}/migrate-{round_}.db"
        errors = _open_together([url] * THREADS, _migrated)
        assert errors == [], f"round {round_}: {errors[0]!r}"
