"""Every functionality of the suite, in a fixed order.

Each label's functionalities are written as data in `data/templates/<file>.yaml`: a `label`
and a list of functionalities, each with the `Functionality` fields (`id`, `positive`, `nl`,
`en`, `templates` and, where they differ from the defaults, `crossed`, `also`,
`obfuscation`, `size`).
"""

from __future__ import annotations

from typing import Any

from nlp.functional.files import DATA_DIR, read_yaml
from nlp.functional.spec import Functionality

# The order of the suite (and so of `cases.jsonl`): hateful, non-hateful contrasts, threat,
# call to gathering, anti-government.
_FILES: tuple[str, ...] = ("polarising", "contrasts", "threat", "gathering", "government")


def _functionality(label: str, row: dict[str, Any]) -> Functionality:
    return Functionality(**{**row, "label": label, "templates": tuple(row["templates"])})


def _load(name: str) -> tuple[Functionality, ...]:
    table = read_yaml(DATA_DIR / "templates" / f"{name}.yaml")
    return tuple(_functionality(table["label"], row) for row in table["functionalities"])


FUNCTIONALITIES: tuple[Functionality, ...] = tuple(
    f for name in _FILES for f in _load(name)
)
BY_ID: dict[str, Functionality] = {f.id: f for f in FUNCTIONALITIES}

__all__ = ["BY_ID", "FUNCTIONALITIES"]
