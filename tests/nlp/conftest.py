"""Fixtures for the NLP tests: a fixed publication time and the committed model."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

# With plain `pytest`, tests/ lands on sys.path and the directory tests/nlp is then imported as a
# namespace package "nlp" that hides the real one. Put the repository root first and drop a
# namespace "nlp" that may already have been created.
_ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [_ROOT]:
    sys.path.insert(0, _ROOT)
if "nlp" in sys.modules and getattr(sys.modules["nlp"], "__file__", None) is None:
    for _name in [m for m in sys.modules if m == "nlp" or m.startswith("nlp.")]:
        del sys.modules[_name]

from nlp.api import Enricher, get_enricher  # noqa: E402
from nlp.timeexpr import TZ  # noqa: E402

# Thursday 26 November 2026, 10:00 in Almere.
PUBLISHED = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


@pytest.fixture
def published() -> datetime:
    return PUBLISHED


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return get_enricher()
