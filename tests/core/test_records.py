"""signals.records.from_attributes: a record built from an object with the same field names."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from signals.records import field_names, from_attributes


@dataclass(frozen=True)
class Doc:
    id: int
    title: str
    district: str | None = None


class DocOut(BaseModel):
    id: int
    title: str
    shown: str


def test_fields_not_given_are_copied_and_given_ones_win() -> None:
    row = SimpleNamespace(id=3, title="Oproep", district="Almere Buiten", extra="ignored")
    assert from_attributes(Doc, row) == Doc(3, "Oproep", "Almere Buiten")
    assert from_attributes(Doc, row, title="Anders") == Doc(3, "Anders", "Almere Buiten")


def test_pydantic_models_are_built_the_same_way() -> None:
    out = from_attributes(DocOut, SimpleNamespace(id=1, title="t"), shown="ja")
    assert out.model_dump() == {"id": 1, "title": "t", "shown": "ja"}
    assert field_names(DocOut) == ("id", "title", "shown")


def test_a_missing_attribute_is_an_error_not_a_default() -> None:
    # A renamed column must fail loudly, never fall back to the field's default.
    with pytest.raises(AttributeError, match="district"):
        from_attributes(Doc, SimpleNamespace(id=1, title="t"))


def test_only_records_can_be_built() -> None:
    with pytest.raises(TypeError, match="neither a dataclass nor a pydantic model"):
        field_names(SimpleNamespace)
