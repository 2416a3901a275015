"""Which items a source has already delivered, kept in `SourceState.cursor` as compact JSON,
so a re-run yields only new or changed items without asking the database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from collectors.models import CollectResult, ItemSkip, RawPost
from collectors.settings import CollectorSettings
from collectors.text import short_hash


@dataclass(slots=True)
class SeenItems:
    items: dict[str, str] = field(default_factory=dict)  # id hash -> content hash
    # Which article extractor (collectors.platforms.web_page.EXTRACTOR_VERSION) judged the
    # pages kept here without content; None for cursors written before it was recorded.
    extractor: int | None = None

    @classmethod
    def from_cursor(cls, cursor: str | None) -> SeenItems:
        if not cursor or not cursor.startswith("{"):
            return cls()
        data = _json_object(cursor)
        seen = data.get("seen")
        if not isinstance(seen, dict):
            return cls()
        extractor = data.get("x")
        return cls(dict(seen), extractor if isinstance(extractor, int) else None)

    def forget_content(self, contents: set[str]) -> int:
        """Forget the items remembered with one of these contents; how many were forgotten."""
        marks = {short_hash(content, 8) for content in contents}
        drop = [key for key, value in self.items.items() if value in marks]
        for key in drop:
            del self.items[key]
        return len(drop)

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
        data: dict[str, object] = {"v": 1, "seen": dict(kept)}
        if self.extractor is not None:
            data["x"] = self.extractor
        return json.dumps(data, separators=(",", ":"))


def _json_object(value: str | None) -> dict[str, Any]:
    """The JSON object stored in `value`; empty when there is none (a cursor of another
    format or a damaged one reads as nothing remembered)."""
    if not value:
        return {}
    try:
        data = json.loads(value)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def content_key(post: RawPost) -> str:
    return f"{post.title}\n{post.text}"


def keep_new_dated(
    posts: list[RawPost], seen: SeenItems, settings: CollectorSettings, result: CollectResult
) -> list[RawPost]:
    """Drop items delivered before (unchanged) and, unless configured otherwise, undated ones.
    Updates `seen` with what is kept."""
    kept: list[RawPost] = []
    for post in posts:
        if post.published_at is None and not settings.keep_undated:
            result.skipped.append(ItemSkip(post.url, "item has no publication date"))
            continue
        key = post.external_id or post.url
        if not seen.is_new_or_changed(key, content_key(post)):
            continue
        seen.remember(key, content_key(post))
        kept.append(post)
    return kept


@dataclass(slots=True)
class ReportedSkips:
    """Which skipped items were reported already, oldest first (trimmed to a limit)."""

    keys: dict[str, None] = field(default_factory=dict)

    @classmethod
    def from_json(cls, value: str | None) -> ReportedSkips:
        keys = _json_object(value).get("skips")
        if not isinstance(keys, list):
            return cls()
        return cls(dict.fromkeys(k for k in keys if isinstance(k, str)))

    def add(self, item: str | None, reason: str) -> bool:
        """Remember the skip; True when it was not reported before."""
        key = short_hash(f"{item or ''}\n{reason}", 12)
        new = key not in self.keys
        self.keys.pop(key, None)
        self.keys[key] = None
        return new

    def to_json(self, limit: int) -> str:
        kept = list(self.keys)[-limit:]
        return json.dumps({"v": 1, "skips": kept}, separators=(",", ":"))
