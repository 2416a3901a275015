from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_es import FakeElasticsearch, running_fake

from signals.search.es_client import ElasticsearchBackend


@pytest.fixture
def fake_es() -> Iterator[FakeElasticsearch]:
    with running_fake() as fake:
        yield fake


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def es_backend(fake_es: FakeElasticsearch, sleeps: list[float]) -> ElasticsearchBackend:
    return ElasticsearchBackend(
        fake_es.url, backoff_initial=0.01, max_retries=3, sleep=sleeps.append
    )
