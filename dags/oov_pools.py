"""Per-domain Airflow pools: one slot each, so that no site gets more than one request at a time.

Imported by the collect DAG (Airflow puts the DAG folder on sys.path) and run as a script by
deploy/airflow/init.sh, which creates the pools: `python oov_pools.py` prints `pool<TAB>domain`.
"""

from __future__ import annotations

import re


def pool_name(domain: str) -> str:
    return "domain_" + (re.sub(r"[^a-z0-9]+", "_", domain.lower()).strip("_") or "unknown")


def sources_by_pool(sources: list[dict] | None = None) -> dict[str, list[str]]:
    """Enabled source ids grouped by the pool of their domain, in a stable order."""
    if sources is None:
        from signals.pipeline import enabled_sources

        sources = enabled_sources()
    grouped: dict[str, list[str]] = {}
    for source in sorted(sources, key=lambda s: (s["domain"], s["source_id"])):
        grouped.setdefault(pool_name(source["domain"]), []).append(source["source_id"])
    return grouped


if __name__ == "__main__":
    from signals.pipeline import enabled_sources

    for source in enabled_sources():
        print(f"{pool_name(source['domain'])}\t{source['domain']}")
