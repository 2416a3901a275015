"""The synthetic demo posts, read from items.yml: one table, so the served files and expected.yml
cannot drift apart. Every text is invented; handles are fictitious; labels follow
docs/annotation.md."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

# The tools are scripts that import each other by file name; a test that imports this module
# first (config.demo.tools.items) needs their directory on the path as well.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_item import AMS, Item  # noqa: E402

ITEMS_FILE = Path(__file__).resolve().parent / "items.yml"
_TUPLES = ("labels", "places", "paragraphs")


def _item(record: dict[str, Any]) -> Item:
    published = record["published"]
    if not isinstance(published, datetime):
        published = datetime.strptime(str(published), "%Y-%m-%d %H:%M")
    fields = {k: tuple(v) if k in _TUPLES else v for k, v in record.items()}
    return Item(**{**fields, "published": published.replace(tzinfo=AMS)})


ITEMS: list[Item] = [_item(r) for r in yaml.safe_load(ITEMS_FILE.read_text(encoding="utf-8"))]
