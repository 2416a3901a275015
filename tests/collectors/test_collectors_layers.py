"""The shape of `collectors/` (issue 17): no import cycle among its modules, imports inside
functions included (the graph is parsed with `ast` by tests/core/test_import_graph.py), and
the layers point one way: platforms below the registry, the registry below `collect`, and the
politeness rules below the HTTP fetch."""

from __future__ import annotations

import ast

from tests.core.test_import_graph import REPO as ROOT
from tests.core.test_import_graph import cycles, import_graph


def _collectors_graph() -> dict[str, dict[str, int]]:
    return {
        module: {t: line for t, line in targets.items() if t.startswith("collectors")}
        for module, targets in import_graph().items()
        if module.startswith("collectors")
    }


def _reaches(graph: dict[str, dict[str, int]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_cycles_among_collectors_modules() -> None:
    graph = _collectors_graph()
    assert "collectors.platforms.web_page" in graph  # the graph sees the platforms
    assert cycles(graph) == []


def test_platforms_stand_alone() -> None:
    # A platform module never reaches another platform, the registry or the dispatcher:
    # adding or removing one touches only itself and one line of the registry.
    graph = _collectors_graph()
    platforms = [m for m in graph if m.startswith("collectors.platforms.")]
    assert len(platforms) >= 5
    for platform in platforms:
        reached = _reaches(graph, platform)
        assert not reached & {"collectors.registry", "collectors.collect"}, platform
        assert not {m for m in reached if m.startswith("collectors.platforms.")}, platform


def test_politeness_rules_do_not_depend_on_the_fetch() -> None:
    graph = _collectors_graph()
    for rule in ("robots", "pacing", "retry", "limits"):
        assert "collectors.net" not in _reaches(graph, f"collectors.{rule}"), rule
    assert {
        "collectors.robots", "collectors.pacing", "collectors.retry", "collectors.limits"
    } <= set(graph["collectors.net"])


def test_collect_dispatches_by_registry_not_by_kind() -> None:
    # No branch over kinds in the dispatcher: it names no platform and no SourceKind, and
    # compares no `.kind` with anything.
    graph = _collectors_graph()
    assert not {m for m in graph["collectors.collect"] if m.startswith("collectors.platforms")}
    tree = ast.parse((ROOT / "collectors" / "collect.py").read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert "SourceKind" not in names
    compared = [
        part
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        for part in (node.left, *node.comparators)
        if isinstance(part, ast.Attribute) and part.attr == "kind"
    ]
    assert compared == []
