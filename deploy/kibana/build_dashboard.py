"""Writes deploy/kibana/dashboard.ndjson: a data view on the signals alias and a dashboard with
signals over time (per type), by type and by district. Run after changing it; the compose
service `kibana-import` posts the file to Kibana's saved objects import API."""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("dashboard.ndjson")
DATA_VIEW = "oov-signals-signals"
SEARCH_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"


def _search_source() -> str:
    return json.dumps(
        {"indexRefName": SEARCH_REF, "query": {"query": "", "language": "kuery"}, "filter": []}
    )


def _visualization(vis_id: str, title: str, vis_type: str, aggs: list[dict]) -> dict:
    return {
        "type": "visualization",
        "id": vis_id,
        "attributes": {
            "title": title,
            "description": "",
            "uiStateJSON": "{}",
            "version": 1,
            "visState": json.dumps(
                {
                    "title": title,
                    "type": vis_type,
                    "aggs": aggs,
                    "params": {"addLegend": True, "addTooltip": True},
                }
            ),
            "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source()},
        },
        "references": [{"name": SEARCH_REF, "type": "index-pattern", "id": DATA_VIEW}],
    }


def objects() -> list[dict]:
    count = {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}}
    visualizations = [
        _visualization(
            "oov-signals-over-time",
            "Signalen per dag, per type",
            "histogram",
            [
                count,
                {
                    "id": "2",
                    "enabled": True,
                    "type": "date_histogram",
                    "schema": "segment",
                    "params": {"field": "first_seen", "interval": "d", "min_doc_count": 0},
                },
                {
                    "id": "3",
                    "enabled": True,
                    "type": "terms",
                    "schema": "group",
                    "params": {"field": "types", "size": 10, "order": "desc", "orderBy": "1"},
                },
            ],
        ),
        _visualization(
            "oov-signals-by-type",
            "Signalen per type",
            "pie",
            [
                count,
                {
                    "id": "2",
                    "enabled": True,
                    "type": "terms",
                    "schema": "segment",
                    "params": {"field": "types", "size": 10, "order": "desc", "orderBy": "1"},
                },
            ],
        ),
        _visualization(
            "oov-signals-by-district",
            "Signalen per stadsdeel",
            "horizontal_bar",
            [
                count,
                {
                    "id": "2",
                    "enabled": True,
                    "type": "terms",
                    "schema": "segment",
                    "params": {
                        "field": "district",
                        "size": 20,
                        "order": "desc",
                        "orderBy": "1",
                        "missingBucket": True,
                        "missingBucketLabel": "onbekend",
                    },
                },
            ],
        ),
    ]
    grid = [(0, 0, 48, 15), (0, 15, 24, 15), (24, 15, 24, 15)]
    panels = [
        {
            "panelIndex": str(i + 1),
            "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(i + 1)},
            "embeddableConfig": {},
            "panelRefName": f"panel_{i}",
        }
        for i, (x, y, w, h) in enumerate(grid)
    ]
    dashboard = {
        "type": "dashboard",
        "id": "oov-signals-dashboard",
        "attributes": {
            "title": "oov-signals: signalen",
            "description": "Signalen in de tijd, per type en per stadsdeel (geen personen).",
            "panelsJSON": json.dumps(panels),
            "optionsJSON": json.dumps({"useMargins": True, "hidePanelTitles": False}),
            "timeRestore": True,
            "timeFrom": "now-30d",
            "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 300000},
            "kibanaSavedObjectMeta": {
                "searchSourceJSON": json.dumps(
                    {"query": {"query": "", "language": "kuery"}, "filter": []}
                )
            },
        },
        "references": [
            {"name": f"panel_{i}", "type": "visualization", "id": v["id"]}
            for i, v in enumerate(visualizations)
        ],
    }
    data_view = {
        "type": "index-pattern",
        "id": DATA_VIEW,
        "attributes": {
            "title": "signals-signals",
            "name": "oov-signals: signalen",
            "timeFieldName": "first_seen",
        },
        "references": [],
    }
    return [data_view, *visualizations, dashboard]


def render() -> str:
    return "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in objects())


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
