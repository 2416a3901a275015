"""Fixtures for the NLP tests: a fixed publication time and the committed model."""

from __future__ import annotations

from datetime import datetime

import pytest

from nlp.api import Enricher, get_enricher
from nlp.timeexpr import TZ

# Thursday 26 November 2026, 10:00 in Almere.
PUBLISHED = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


@pytest.fixture
def published() -> datetime:
    return PUBLISHED


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return get_enricher()
