"""Elasticsearch administration: component and index templates and ILM policies from
es_mappings/ (`setup`), and a re-index into a new version behind the aliases (`swap_reindex`):
version N+1 is filled while version N keeps serving, then the aliases move in one atomic
`_aliases` call and version N is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from signals.config import get_settings
from signals.search.base import DocKind
from signals.search.es_client import KINDS, ElasticsearchBackend

# Retention (days) behind the ILM delete phases. ILM works per index, so these are the outer
# bounds; per-document rules (dismissed signals 28 days, monitoring 90 days after the last
# activity) are applied by `signals purge`, which deletes by id.
DEFAULT_RETENTION_DAYS: dict[DocKind, int] = {"posts": 7, "signals": 365, "audit": 730}
MIN_AUDIT_DAYS = 183  # AI Act art. 26(6): automatically generated logs at least six months
_MONTH_SLACK_DAYS = 31  # a monthly partition holds documents up to a month younger than its name


def mappings_dir() -> Path:
    """`es_mappings/`: `SIGNALS_ES_MAPPINGS_DIR` (the image sets it), else the source tree."""
    configured = get_settings().es_mappings_dir
    if configured:
        return configured
    return Path(__file__).resolve().parents[2] / "es_mappings"


def load_mapping_file(name: str, directory: Path | None = None) -> dict[str, Any]:
    return json.loads(((directory or mappings_dir()) / name).read_text(encoding="utf-8"))


@dataclass(slots=True)
class SetupReport:
    component_templates: list[str] = field(default_factory=list)
    policies: dict[str, int] = field(default_factory=dict)  # name -> delete after (days)
    index_templates: list[str] = field(default_factory=list)
    indices: list[str] = field(default_factory=list)


def ilm_delete_days(retention_days: Mapping[str, int] | None = None) -> dict[DocKind, int]:
    """Days after a partition's date at which ILM deletes it, per kind."""
    days = {**DEFAULT_RETENTION_DAYS, **(retention_days or {})}
    if days["audit"] < MIN_AUDIT_DAYS:
        raise ValueError(f"audit retention must be at least {MIN_AUDIT_DAYS} days")
    return {
        # Posts are minimised: daily partitions, gone by the limit (a maximum).
        "posts": days["posts"],
        # Monthly partitions: add a month so that no document goes before its limit.
        "signals": days["signals"] + _MONTH_SLACK_DAYS,
        "audit": days["audit"] + _MONTH_SLACK_DAYS,
    }


def setup(
    backend: ElasticsearchBackend,
    *,
    retention_days: Mapping[str, int] | None = None,
    directory: Path | None = None,
) -> SetupReport:
    """Apply the component template, ILM policies and index templates from es_mappings/,
    and create today's partition of each kind behind its alias. Idempotent (PUTs)."""
    report = SetupReport()
    prefix = backend.prefix
    component = f"{prefix}-dutch-analysis"
    body = load_mapping_file("dutch-analysis.component.json", directory)
    backend.call(backend.client.cluster.put_component_template, name=component, **body)
    report.component_templates.append(component)
    delete_days = ilm_delete_days(retention_days)
    for kind in KINDS:
        policy = load_mapping_file(f"ilm/{kind}.json", directory)["policy"]
        policy["phases"]["delete"]["min_age"] = f"{delete_days[kind]}d"
        backend.call(backend.client.ilm.put_lifecycle, name=f"{prefix}-{kind}", policy=policy)
        report.policies[f"{prefix}-{kind}"] = delete_days[kind]
    for kind in KINDS:
        template = load_mapping_file(f"{kind}.template.json", directory)
        template["index_patterns"] = [f"{prefix}-{kind}-v*"]
        template["composed_of"] = [component]
        template["template"]["settings"]["index.lifecycle.name"] = f"{prefix}-{kind}"
        backend.call(backend.client.indices.put_index_template, name=f"{prefix}-{kind}", **template)
        report.index_templates.append(f"{prefix}-{kind}")
    today = datetime.now(UTC).date()
    for kind in KINDS:
        name = backend.index_name(kind, backend.current_version(kind), today)
        backend.ensure_index(name, alias=backend.alias(kind))
        report.indices.append(name)
    return report


@dataclass(slots=True)
class ReindexReport:
    kinds: list[str]
    old_version: dict[str, int]
    new_version: dict[str, int]
    written: int
    dropped_indices: list[str]


def swap_reindex(
    backend: ElasticsearchBackend,
    fill: Callable[[ElasticsearchBackend], int],
    *,
    kinds: Sequence[DocKind] = ("posts", "signals"),
    drop_old: bool = True,
) -> ReindexReport:
    """Build version N+1 of `kinds` with `fill(backend)` (which writes every document through
    the backend, e.g. `signals.indexing.reindex`) while version N keeps serving searches,
    then move the aliases in one atomic call. Pause the pipeline while this runs: a writer
    in another process still targets version N until it restarts."""
    old = {k: backend.current_version(k) for k in kinds}
    new = {k: v + 1 for k, v in old.items()}
    today = datetime.now(UTC).date()
    with backend.writing_versions(new):
        for kind in kinds:
            # The alias needs a target even if the kind has no documents at all.
            backend.ensure_index(backend.index_name(kind, new[kind], today), alias=None)
        written = fill(backend)
    backend.call(
        backend.client.indices.refresh,
        index=",".join(f"{backend.prefix}-{k}-v{new[k]}-*" for k in kinds),
    )
    actions: list[dict[str, Any]] = []
    for kind in kinds:
        alias = backend.alias(kind)
        actions.append(
            {
                "remove": {
                    "index": f"{backend.prefix}-{kind}-v{old[kind]}-*",
                    "alias": alias,
                    "must_exist": False,
                }
            }
        )
        actions.append(
            {"add": {"index": f"{backend.prefix}-{kind}-v{new[kind]}-*", "alias": alias}}
        )
    backend.call(backend.client.indices.update_aliases, actions=actions)
    backend.aliases_moved(new)
    dropped: list[str] = []
    if drop_old:
        for kind in kinds:
            found = backend.call(
                backend.client.indices.get,
                index=f"{backend.prefix}-{kind}-v{old[kind]}-*",
                allow_no_indices=True,
            )
            names = sorted(found or {})
            if names:
                # Names, not a wildcard: clusters refuse wildcard deletes by default.
                backend.call(backend.client.indices.delete, index=",".join(names))
                dropped.extend(names)
                backend.forget_indices(names)
    return ReindexReport(
        kinds=list(kinds),
        old_version=old,
        new_version=new,
        written=written,
        dropped_indices=dropped,
    )
