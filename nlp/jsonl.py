"""The `signals classify` JSONL contract: one request per input line, one result per output line.

Input:  {"id": str, "text": str, "published_at": ISO-8601 (optional)}
Output: {"id", "labels": {label: {"p", "flag"}}, "places": [...], "in_almere", "event_time",
         "event_time_text", "evidence": [...], "model_version"}
A line that cannot be processed yields {"id": <id or null>, "error": <reason>, "line": <n>} and
processing goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from nlp.api import get_enricher
from nlp.types import Enrichment

BATCH = 512


def _parse(line: str, n: int) -> tuple[str | None, str, datetime | None]:
    ident: str | None = None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadLine(None, f"invalid JSON: {exc.msg}") from None
    if not isinstance(obj, dict):
        raise _BadLine(None, "line is not a JSON object")
    raw_id = obj.get("id")
    ident = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
    if ident is None:
        raise _BadLine(None, "missing or invalid 'id'")
    text = obj.get("text")
    if not isinstance(text, str):
        raise _BadLine(ident, "missing or invalid 'text'")
    pub = obj.get("published_at")
    published: datetime | None = None
    if pub is not None:
        if not isinstance(pub, str):
            raise _BadLine(ident, "invalid 'published_at'")
        try:
            published = datetime.fromisoformat(pub.replace("Z", "+00:00"))
        except ValueError:
            raise _BadLine(ident, f"invalid 'published_at': {pub!r}") from None
    return ident, text, published


class _BadLine(Exception):
    def __init__(self, ident: str | None, reason: str) -> None:
        super().__init__(reason)
        self.ident = ident
        self.reason = reason


def result_dict(ident: str, e: Enrichment) -> dict:
    return {
        "id": ident,
        "labels": {k: {"p": v.p, "flag": v.flag} for k, v in e.labels.items()},
        "places": [
            {"text": p.text, "canonical": p.canonical, "district": p.district,
             "in_almere": p.in_almere}
            for p in e.places
        ],
        "in_almere": e.in_almere,
        "event_time": e.event_time.isoformat() if e.event_time else None,
        "event_time_text": e.event_time_text,
        "evidence": [{"start": v.start, "end": v.end, "text": v.text, "kind": v.kind}
                     for v in e.evidence],
        "model_version": e.model_version,
    }


def _batches(inp: TextIO) -> Iterator[list[tuple[int, str]]]:
    batch: list[tuple[int, str]] = []
    for n, line in enumerate(inp, 1):
        if not line.strip():
            continue
        batch.append((n, line))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def classify_jsonl(inp: TextIO, out: TextIO, *, model_dir: Path | None = None) -> dict:
    """Classify every line of `inp` into `out` with the model in `model_dir` (default: the
    packaged one); returns counts {"read", "written", "errors"}."""
    enricher = get_enricher(model_dir)
    stats = {"read": 0, "written": 0, "errors": 0}
    for batch in _batches(inp):
        # Slots keep output order equal to input order, errors included.
        slots: list[dict | None] = []
        todo: list[tuple[int, str, str, datetime | None]] = []
        for n, line in batch:
            stats["read"] += 1
            try:
                ident, text, pub = _parse(line, n)
            except _BadLine as bad:
                slots.append({"id": bad.ident, "error": bad.reason, "line": n})
                stats["errors"] += 1
                continue
            todo.append((len(slots), ident, text, pub))
            slots.append(None)
        if todo:
            enr = enricher.enrich([t[2] for t in todo], [t[3] for t in todo])
            for (slot, ident, _text, _pub), e in zip(todo, enr, strict=True):
                slots[slot] = result_dict(ident, e)
        for obj in slots:
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            stats["written"] += 1
    out.flush()
    return stats
