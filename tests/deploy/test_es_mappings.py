"""es_mappings/: every file is valid JSON, mappings are strict and cover the document types."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from signals.search.base import PostDoc, SignalDoc
from signals.search.es_admin import DEFAULT_RETENTION_DAYS, MIN_AUDIT_DAYS, ilm_delete_days
from signals.search.es_client import AuditDoc
from signals.search.es_queries import SPECS

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "es_mappings"
DOC_TYPES = {"posts": PostDoc, "signals": SignalDoc, "audit": AuditDoc}


def _load(name: str) -> dict:
    return json.loads((MAPPINGS / name).read_text(encoding="utf-8"))


def test_every_json_file_loads() -> None:
    files = sorted(MAPPINGS.rglob("*.json"))
    assert len(files) >= 7
    for path in files:
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict), path


@pytest.mark.parametrize("kind", ["posts", "signals", "audit"])
def test_template_is_strict_and_matches_the_document_fields(kind: str) -> None:
    template = _load(f"{kind}.template.json")
    mappings = template["template"]["mappings"]
    assert mappings["dynamic"] == "strict"
    fields = {f.name for f in dataclasses.fields(DOC_TYPES[kind])}
    assert set(mappings["properties"]) == fields
    assert template["index_patterns"] == [f"signals-{kind}-v*"]
    assert template["composed_of"] == ["signals-dutch-analysis"]
    settings = template["template"]["settings"]
    assert settings["index.lifecycle.name"] == f"signals-{kind}"
    assert settings["index.lifecycle.parse_origination_date"] is True


@pytest.mark.parametrize("kind", ["posts", "signals", "audit"])
def test_field_types_fit_search_facets_and_dates(kind: str) -> None:
    props = _load(f"{kind}.template.json")["template"]["mappings"]["properties"]
    spec = SPECS[kind]  # type: ignore[index]
    for text_field in (f.split("^")[0] for f in spec.text_fields):
        assert props[text_field] == {"type": "text", "analyzer": "dutch_text"}
    for facet in set(spec.facets) | spec.filters:
        assert props[facet]["type"] in {"keyword", "boolean"}, facet
    for date_field in spec.date_fields:
        assert props[date_field]["type"] == "date"
    hints = DOC_TYPES[kind].__annotations__
    for name, annotation in hints.items():
        if "datetime" in str(annotation):
            assert props[name]["type"] == "date", name


def test_dutch_analyzer_folds_accents_and_stems() -> None:
    analysis = _load("dutch-analysis.component.json")["template"]["settings"]["analysis"]
    analyzer = analysis["analyzer"]["dutch_text"]
    assert analyzer["tokenizer"] == "standard"
    assert analyzer["filter"][:2] == ["lowercase", "asciifolding"]
    filters = analysis["filter"]
    used = {f for f in analyzer["filter"] if f in filters}
    assert {"type": "stemmer", "language": "dutch"} in [filters[f] for f in used]
    assert {"type": "stop", "stopwords": "_dutch_"} in [filters[f] for f in used]


def test_ilm_policies_delete_per_retention() -> None:
    days = {}
    for kind in ("posts", "signals", "audit"):
        phases = _load(f"ilm/{kind}.json")["policy"]["phases"]
        assert phases["delete"]["actions"] == {"delete": {}}
        days[kind] = int(re.fullmatch(r"(\d+)d", phases["delete"]["min_age"]).group(1))
    # The files hold the defaults that setup() would apply.
    assert days == ilm_delete_days()
    assert days["posts"] == DEFAULT_RETENTION_DAYS["posts"] == 7
    assert days["audit"] >= DEFAULT_RETENTION_DAYS["audit"] >= MIN_AUDIT_DAYS
    assert days["signals"] >= 365


def test_posts_are_partitioned_by_collection_not_publication() -> None:
    from datetime import UTC, datetime

    from signals.search.es_client import ElasticsearchBackend

    backend = ElasticsearchBackend("http://127.0.0.1:9")  # no request is sent
    old_post = {"published_at": "2026-10-01T09:00:00+00:00", "collected_at": None}
    today = datetime.now(UTC).date()
    assert backend._partition_day("posts", old_post) == today
    old_post["collected_at"] = "2026-11-20T23:30:00-02:00"  # 21 Nov in UTC
    assert backend._partition_day("posts", old_post).isoformat() == "2026-11-21"
    assert backend.index_name("signals", 4, today).endswith(f"-v4-{today:%Y.%m}.01")
