"""Engines and sessions for the system of record, migrated with Alembic."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from signals.config import get_settings
from signals.db import unit_of_work
from signals.private_files import ensure_private_file

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


WAL_SWITCH_ATTEMPTS = 50


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    # Two connections switching a fresh file to WAL at once: the loser holds a shared lock
    # while asking for an exclusive one, and SQLite answers "database is locked" at once
    # instead of waiting (waiting could deadlock), so busy_timeout does not help here.
    for attempt in range(WAL_SWITCH_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == WAL_SWITCH_ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL lets the web app read while the pipeline writes; foreign keys are off by default.
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_autocommit_driver(dbapi_connection: object, _record: object) -> None:
    # Let SQLAlchemy, not the sqlite3 module, open transactions (see _sqlite_begin).
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]


def _sqlite_begin(connection: object) -> None:
    # sqlite3 runs DDL outside any transaction: a migration killed half-way would leave tables
    # without a recorded revision. An explicit BEGIN makes the migration all-or-nothing.
    connection.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]


def make_engine(url: str, *, transactional_ddl: bool = False) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            # 0600 before SQLite opens it; its -wal and -shm files copy the mode.
            ensure_private_file(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        if transactional_ddl:
            event.listen(engine, "connect", _sqlite_autocommit_driver)
            event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent, all-or-nothing)."""
    url = engine.url.render_as_string(hide_password=False)
    cfg = alembic_config(url)
    # Only the migration needs SQLite's DDL inside a transaction; ordinary sessions keep the
    # driver's default, which lets a reader's later write see the newest committed state.
    target = make_engine(url, transactional_ddl=True) if url.startswith("sqlite") else engine
    try:
        with target.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    finally:
        if target is not engine:
            target.dispose()


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


def get_engine(url: str | None = None) -> Engine:
    if url is None:
        url = get_settings().database_url
    return _engine_for(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error (signals.db.unit_of_work)."""
    session = session_factory(engine or get_engine())()
    try:
        yield session
        unit_of_work.finish(session)
    except BaseException:
        unit_of_work.abort(session)
        raise
    finally:
        session.close()
