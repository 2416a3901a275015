"""The spaCy pipeline is shared by threads (the watch loop, web requests): built once, even when
they all ask for it first at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from nlp import pipeline


@pytest.fixture
def unbuilt() -> Iterator[None]:
    # Other tests in this worker then build it again, with a matcher on the same vocabulary.
    for cached in (pipeline._build_nlp, pipeline.get_matcher):
        cached.cache_clear()
    yield
    for cached in (pipeline._build_nlp, pipeline.get_matcher):
        cached.cache_clear()


def test_threads_that_ask_at_once_share_one_pipeline(unbuilt: None) -> None:
    start = threading.Barrier(4)
    analyses: list = []

    def first_use() -> None:
        start.wait()
        analyses.append((pipeline.get_nlp(), pipeline.analyse(["Morgen 20:00 iedereen naar het "
                                                               "Stadhuisplein, deel dit!"])[0]))

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(analyses) == 4  # no thread failed (spaCy's KeyError E018 before the lock)
    assert len({id(nlp) for nlp, _ in analyses}) == 1
    assert all(a.cue_counts == analyses[0][1].cue_counts != {} for _, a in analyses)
