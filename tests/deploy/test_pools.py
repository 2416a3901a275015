"""dags/oov_pools.py: one pool per source domain, named safely, in a stable order."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "oov_pools", Path(__file__).resolve().parents[2] / "dags" / "oov_pools.py"
)
assert SPEC and SPEC.loader
oov_pools = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(oov_pools)


def test_sources_are_grouped_per_domain_pool() -> None:
    sources = [
        {"source_id": "nieuws-b", "domain": "www.omroepflevoland.nl"},
        {"source_id": "forum", "domain": "forum.example.org"},
        {"source_id": "nieuws-a", "domain": "www.omroepflevoland.nl"},
        {"source_id": "demo", "domain": "127.0.0.1"},
    ]
    assert oov_pools.sources_by_pool(sources) == {
        "domain_127_0_0_1": ["demo"],
        "domain_forum_example_org": ["forum"],
        "domain_www_omroepflevoland_nl": ["nieuws-a", "nieuws-b"],
    }


def test_pool_names_are_safe_and_distinct_per_domain() -> None:
    assert oov_pools.pool_name("Sub.Example.NL") == "domain_sub_example_nl"
    assert oov_pools.pool_name("") == "domain_unknown"
    assert oov_pools.pool_name("a-b.nl") != oov_pools.pool_name("a.nl")
