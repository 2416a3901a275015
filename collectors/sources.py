"""Load and validate `config/sources.yml`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from collectors.models import SourceConfig
from collectors.registry import REGISTRY, CollectorRegistry

_LEGAL_FIELDS = ("purpose", "legal_basis", "public_because")
_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


class SourcesConfigError(ValueError):
    """The sources file cannot be used; the message names the file, entry and field."""


def _substitute(value: Any, substitutions: dict[str, str]) -> Any:
    if isinstance(value, str):
        return _PLACEHOLDER.sub(
            lambda m: substitutions.get(m.group(1), m.group(0)), value
        )
    if isinstance(value, list):
        return [_substitute(v, substitutions) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, substitutions) for k, v in value.items()}
    return value


def read_sources_file(path: Path | str) -> dict[str, Any]:
    """The raw YAML document (checked to be a mapping with a `sources:` list)."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesConfigError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise SourcesConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise SourcesConfigError(f"{path}: expected a top-level 'sources:' list")
    return document


def load_defaults(path: Path | str) -> dict[str, Any]:
    """The optional top-level `defaults:` mapping (user agent contact, delays, ...)."""
    defaults = read_sources_file(path).get("defaults") or {}
    if not isinstance(defaults, dict):
        raise SourcesConfigError(f"{path}: 'defaults:' must be a mapping")
    return defaults


def load_sources(
    path: Path | str,
    *,
    substitutions: dict[str, str] | None = None,
    registry: CollectorRegistry | None = None,
) -> list[SourceConfig]:
    """The sources in `path`, each with the legal fields and a kind that `registry` (by
    default the built-in one) has a collector for."""
    path = Path(path)
    registry = registry or REGISTRY
    document = read_sources_file(path)
    subs = substitutions or {}
    sources: list[SourceConfig] = []
    seen_ids: dict[str, int] = {}
    for index, entry in enumerate(document["sources"]):
        if not isinstance(entry, dict):
            raise SourcesConfigError(f"{path}: entry #{index}: expected a mapping")
        entry_id = entry.get("id", "?")
        where = f"{path}: entry #{index} (id={entry_id!r})"
        # Refuse explicitly first, so the message is about the law, not about pydantic.
        for name in _LEGAL_FIELDS:
            value = entry.get(name)
            if not isinstance(value, str) or not value.strip():
                raise SourcesConfigError(
                    f"{where}: field '{name}' is required (every source needs purpose, "
                    "legal_basis and public_because) and must not be empty"
                )
        try:
            source = SourceConfig.model_validate(_substitute(entry, subs))
        except ValidationError as exc:
            problems = "; ".join(
                f"field '{'.'.join(str(p) for p in err['loc']) or '?'}': {err['msg']}"
                for err in exc.errors()
            )
            raise SourcesConfigError(f"{where}: {problems}") from exc
        if source.kind not in registry:
            raise SourcesConfigError(
                f"{where}: field 'kind': no collector for kind {source.kind!r} "
                f"(known kinds: {', '.join(registry.kinds())})"
            )
        if source.id in seen_ids:
            raise SourcesConfigError(
                f"{where}: field 'id': duplicate of entry #{seen_ids[source.id]}"
            )
        seen_ids[source.id] = index
        sources.append(source)
    return sources
