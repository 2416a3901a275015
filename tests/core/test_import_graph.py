"""Issue 17 (the bar): no import cycles between modules, and no module over 450 lines.

Every module of `signals`, `nlp` and `collectors` is parsed with `ast`; every import counts,
at the top of the module and inside functions alike (an import inside a function hides a cycle,
it does not remove it), and so do `TYPE_CHECKING` imports. `from . import x` and `from pkg import
x` resolve to the module `x` when there is one. An edge goes to the module named, not to the
packages above it, so a package's `__init__` importing its own submodules is no cycle by itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("signals", "nlp", "collectors")
MAX_LINES = 450
# Migrations are frozen history, one file per revision; they are never edited to stay short.
EXEMPT = ("signals/migrations/",)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module `name` stands for: itself, or the nearest enclosing module that exists."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in the file that names one of ours."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name, modules)
                if target:
                    yield target, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                if node.level > 1:
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                # `from pkg import sub` imports the module pkg.sub when there is one.
                full = f"{base}.{alias.name}"
                target = full if full in modules else _resolve(base, modules)
                if target:
                    yield target, node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: first line of such an import}."""
    modules = _modules()
    graph: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, path in modules.items():
        for target, line in _imports(name, path, modules):
            if target != name:
                graph[name].setdefault(target, line)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _one_cycle(graph: dict[str, dict[str, int]], component: list[str]) -> list[str]:
    """A shortest closed path through the component's first module, for the message."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for succ in sorted(graph[node]):
                if succ not in members:
                    continue
                if succ == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if succ not in previous:
                    previous[succ] = node
                    following.append(succ)
        frontier = following
    return component


def _describe(graph: dict[str, dict[str, int]], component: list[str]) -> str:
    path = _one_cycle(graph, component)
    steps = [f"  {a} -> {b} (line {graph[a][b]})" for a, b in zip(path, path[1:], strict=False)]
    return f"cycle among {', '.join(component)}:\n" + "\n".join(steps)


def test_there_are_no_import_cycles() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "\n\n".join(_describe(graph, c) for c in found)


def test_the_layers_import_downwards_only() -> None:
    # Neither collectors nor nlp reaches up into signals (e.g. for its settings): both are
    # handed what they need (collector settings, a model directory) by their callers. Both may
    # use nlp.vocabulary, the shared words.
    graph = import_graph()
    upward = sorted(
        f"{module} -> {target} (line {line})"
        for module, targets in graph.items()
        for target, line in targets.items()
        if module.startswith(("nlp", "collectors")) and target.startswith("signals")
    )
    assert not upward, "\n".join(upward)


# Imports inside a function, each for a heavy part that most callers never need. The CLI's
# commands (signals/cli/) also import their machinery on use, so that `signals --help` stays
# fast; everything else imports at the top, where a cycle shows.
LAZY_ALLOWED = {
    ("signals/briefing/render.py", "weasyprint"),  # Pango and fonts: the PDF only
    ("signals/search/__init__.py", "signals.search.es_client"),  # only with SIGNALS_ES_URL
    ("signals/partner/reading.py", "nlp.pipeline"),  # spaCy, kept out of the web app's start
    ("nlp/embedding.py", "nlp.e5_engine"),  # the sentence embedder: stage two only
    ("nlp/e5_engine.py", "nlp.e5_graph"),  # imports onnx (1 s): only to build the cached graph
    # regex, ftfy and langcodes (0.1 s): only to build the cached Dutch word list
    ("nlp/deobfuscate_dictionary.py", "wordfreq"),
    ("nlp/functional/evaluate.py", "nlp.api"),  # the real model, unless a stub is passed
    ("nlp/functional/evaluate.py", "nlp.evaluation"),  # the gate of the real model, idem
    # Reads items.yml and puts the demo's tools on sys.path: for the shipping rule only.
    ("signals/demo.py", "config.demo.tools.items"),
}


def _function_level_imports() -> list[tuple[str, str, int]]:
    found = []
    for path in _modules().values():
        rel = str(path.relative_to(REPO))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import):
                    found += [(rel, alias.name, node.lineno) for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    found.append((rel, "." * node.level + (node.module or ""), node.lineno))
    return found


def test_imports_inside_functions_are_only_for_heavy_parts() -> None:
    hidden = sorted(
        f"{rel}:{line} imports {name}"
        for rel, name, line in set(_function_level_imports())
        if not rel.startswith(("signals/cli/", *EXEMPT)) and (rel, name) not in LAZY_ALLOWED
    )
    assert not hidden, "move these to the top of their module:\n" + "\n".join(hidden)


def test_the_graph_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    # The checker itself must not go blind: a cycle hidden in a function and one written with a
    # relative import are both found.
    graph = {"a": {"b": 3}, "b": {"c": 9}, "c": {"a": 1}, "d": {"a": 2}}
    assert cycles(graph) == [["a", "b", "c"]]
    modules = {"pkg": tmp_path / "pkg" / "__init__.py", "pkg.x": tmp_path / "pkg" / "x.py"}
    modules["pkg.y"] = tmp_path / "pkg" / "y.py"
    modules["pkg.x"].parent.mkdir()
    modules["pkg.x"].write_text("def f():\n    from . import y\n", encoding="utf-8")
    modules["pkg.y"].write_text("from pkg.x import f\n", encoding="utf-8")
    assert list(_imports("pkg.x", modules["pkg.x"], modules)) == [("pkg.y", 2)]
    assert list(_imports("pkg.y", modules["pkg.y"], modules)) == [("pkg.x", 1)]


def test_no_module_is_over_450_lines() -> None:
    long = {
        str(path.relative_to(REPO)): n
        for path in _modules().values()
        if not str(path.relative_to(REPO)).startswith(EXEMPT)
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"
