# ruff: noqa: E402  (the sys.path fix below must run before the imports)
"""Fixtures for the privacy tests: a system of record, an FTS index and record factories."""

from __future__ import annotations

import sys
from pathlib import Path as _Path

# tests/nlp and tests/collectors have no __init__.py, and pytest puts tests/ on sys.path: a
# plain `import nlp` would then find the test folder as a namespace package instead of the
# real one. Put the repository root first and forget any such namespace imports.
_ROOT = str(_Path(__file__).resolve().parents[2])
if sys.path[0] != _ROOT:
    sys.path.insert(0, _ROOT)
for _name in ("nlp", "collectors"):
    if _name in sys.modules and getattr(sys.modules[_name], "__file__", None) is None:
        del sys.modules[_name]

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
