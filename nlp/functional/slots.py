"""Fillers for the templates that are not crossed with identity groups (`data/slots.yaml`)."""

from __future__ import annotations

import string

from nlp.functional.files import DATA_DIR, read_yaml

SLOTS: dict[str, tuple[str, ...]] = {
    name: tuple(values)
    for name, values in read_yaml(DATA_DIR / "slots.yaml").items()
}

_FORMATTER = string.Formatter()


def slot_names(template: str) -> list[str]:
    return [name for _, name, _, _ in _FORMATTER.parse(template) if name]


def fill(template: str, i: int, j: int) -> str:
    """The j-th filling of template i: each slot walks its list from its own offset."""
    values: dict[str, str] = {}
    for k, name in enumerate(dict.fromkeys(slot_names(template))):
        options = SLOTS[name]
        values[name] = options[(i * 5 + j * (1 + k) + k * 3) % len(options)]
    return template.format(**values)
