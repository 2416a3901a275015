"""Shared fixtures for the collector tests."""

from __future__ import annotations

import pytest

from collectors import CollectorSettings, SourceConfig
from tests.fixture_server import (
    LEGAL_FIELDS,
    FixtureServer,
    fixture_server,  # noqa: F401 - the shared pytest fixture
    local_settings,
)


@pytest.fixture
def settings() -> CollectorSettings:
    """Real politeness, with test-sized waits."""
    return local_settings(timeout_s=2.0, retries=1, backoff_base_s=0.01)


@pytest.fixture
def make_source(fixture_server: FixtureServer):  # type: ignore[no-untyped-def]  # noqa: F811
    def make(
        path: str, kind: str = "feed", source_id: str = "src", **extra: object
    ) -> SourceConfig:
        return SourceConfig(
            id=source_id, kind=kind, url=fixture_server.url(path), **LEGAL_FIELDS, **extra
        )

    return make
