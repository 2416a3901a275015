"""Which items a source has already delivered, kept in `SourceState.cursor` as compact JSON,
so a re-run yields only new or changed items without asking the database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from collectors.text import short_hash


@dataclass(slots=True)
class SeenItems:
    items: dict[str, str] = field(default_factory=dict)  # id hash -> content hash

    @classmethod
    def from_cursor(cls, cursor: str | None) -> SeenItems:
        if not cursor or not cursor.startswith("{"):
            return cls()
        try:
            data = json.loads(cursor)
        except ValueError:
            return cls()
        seen = data.get("seen") if isinstance(data, dict) else None
        return cls(dict(seen)) if isinstance(seen, dict) else cls()

    def is_new_or_changed(self, external_id: str, content: str) -> bool:
        return self.items.get(short_hash(external_id, 12)) != short_hash(content, 8)

    def knows(self, external_id: str) -> bool:
        return short_hash(external_id, 12) in self.items

    def remember(self, external_id: str, content: str) -> None:
        key = short_hash(external_id, 12)
        self.items.pop(key, None)  # re-insert so the newest stay when trimming
        self.items[key] = short_hash(content, 8)

    def to_cursor(self, limit: int) -> str:
        kept = list(self.items.items())[-limit:]
        return json.dumps({"v": 1, "seen": dict(kept)}, separators=(",", ":"))
