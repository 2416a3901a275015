"""The on-disk store of vectors that one run's processes share (nlp.embedding.use_store)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp import embedding

TEXT = "Morgen 20:00 iedereen naar het Stadhuisplein"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Monkeypatched, so the run's own store (tests/conftest.py) is back afterwards.
    monkeypatch.setattr(embedding, "_store_root", tmp_path / "store")
    embedding.clear_cache()
    yield tmp_path / "store"
    embedding.clear_cache()


def _no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(student: bool) -> None:
        raise AssertionError("the engine was asked for a vector the store holds")

    monkeypatch.setattr(embedding, "_loaded", refuse)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_vector_computed_once_is_read_back_by_the_next_process(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = embedding.embed([TEXT])
    second_student = embedding.embed([TEXT], student=True)
    assert len(_files(store)) == 2  # one per encoder: the student's vector is another
    assert not np.array_equal(first, second_student)

    embedding.clear_cache()  # what a new process starts with
    _no_engine(monkeypatch)
    np.testing.assert_array_equal(embedding.embed([TEXT]), first)
    np.testing.assert_array_equal(embedding.embed([TEXT], student=True), second_student)


def test_a_damaged_file_is_computed_again_and_replaced(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = embedding.embed([TEXT])
    (path,) = _files(store)
    path.write_bytes(b"\x00" * 10)
    embedding.clear_cache()
    np.testing.assert_array_equal(embedding.embed([TEXT]), expected)
    assert path.stat().st_size == embedding.DIM * 4
    assert not [p for p in _files(store) if p != path]  # no partial file left behind


def test_turned_off_nothing_is_written_or_read(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedding.embed([TEXT])
    embedding.use_store(None)
    embedding.clear_cache()
    embedding.embed(["Een tekst die geen opslag heeft"])
    assert len(_files(store)) == 1
    _no_engine(monkeypatch)
    with pytest.raises(AssertionError, match="the engine was asked"):
        embedding.embed([TEXT])
