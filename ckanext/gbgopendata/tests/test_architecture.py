"""The module structure docs/architecture.md describes: no import cycle
between the extension's modules (counting imports inside functions too, so
a cycle cannot hide there), no code patching Flask's view table, and the
auth decisions in logic/auth.py."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
PREFIX = "ckanext.gbgopendata"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent.parent).with_suffix("").parts
    name = ".".join(parts)
    return name.removesuffix(".__init__")


def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.relative_to(PACKAGE).parts and "migration" not in path.relative_to(PACKAGE).parts
    }


def _imports(path: Path, modules: set[str]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            # the deepest module of ours that the name is in
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name.startswith(PREFIX):
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    sources = _sources()
    modules = set(sources)
    graph = {}
    for name, path in sources.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        # A package's __init__ importing its own submodules is not a cycle with them.
        graph[name] = {
            target for target in _imports(path, modules)
            if target != name and not (path.name == "__init__.py" and target.startswith(package + "."))
        }
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    assert "ckanext.gbgopendata.rule" in graph
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_code_patches_flasks_view_table():
    offenders = [
        name for name, path in _sources().items()
        if "view_functions" in path.read_text("utf-8")
    ]
    assert offenders == []
