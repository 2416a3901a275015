"""Build a record from an object that already holds most of its fields under the same names.

Search documents, API answers and views are mostly copies of a row's columns; listing each
`name=row.name` again is where a renamed column gets missed. A field not passed explicitly is
read from the attribute of the same name, and a missing attribute is an error, never a silent
default.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def field_names(cls: type) -> tuple[str, ...]:
    """The constructor's field names of a dataclass or a pydantic model."""
    if is_dataclass(cls):
        return tuple(f.name for f in fields(cls) if f.init)
    model_fields = getattr(cls, "model_fields", None)
    if model_fields is None:
        raise TypeError(f"{cls.__name__} is neither a dataclass nor a pydantic model")
    return tuple(model_fields)


def from_attributes(cls: type[T], source: object, **given: Any) -> T:
    """`cls(**given)`, with every other field read from `source`'s same-named attribute."""
    copied = {name: getattr(source, name) for name in field_names(cls) if name not in given}
    return cls(**copied, **given)
