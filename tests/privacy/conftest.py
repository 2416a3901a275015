"""Fixtures for the privacy tests: a system of record, an FTS index and record factories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from privacy_world import World
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from signals.db.session import make_engine
from signals.privacy.pseudonym import Pseudonymizer
from signals.search.fts import FtsBackend


@pytest.fixture
def world(db_engine: Engine, tmp_path: Path) -> Iterator[World]:
    backend = FtsBackend(make_engine(f"sqlite:///{tmp_path / 'search.db'}"))
    with Session(db_engine, expire_on_commit=False) as session:
        yield World(session, backend, Pseudonymizer(tmp_path / "keys"))
    backend.engine.dispose()
