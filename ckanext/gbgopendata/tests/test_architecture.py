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


# The layers docs/architecture.md draws, lowest first: a module imports only
# from its own layer or those below it.
LAYERS = [
    # data: what the city's rules are made of
    ("data", ["settings", "languages", "messages", "classification", "licenses", "publishers", "dataset_types",
              "vocabularies",
              "checklist.definition", "dcat.formats"]),
    # the decision: pure functions of a dataset and its facts
    # (and which checklist is in force: checklist/__init__'s current(), checklist/in_force)
    ("decision", ["rule", "checklist", "checklist.automatic", "checklist.in_force", "assessment",
                  "quality.indicators", "quality.scoring"]),
    # CKAN's paths: actions, auth, validators, the save, the reads
    ("logic", ["logic", "search", "presentation", "avatars", "model", "dcat", "csrf", "jobs", "quality"]),
    # what people and harvesters reach: pages, helpers, middleware, CLI, the plugin
    ("surface", ["views", "helpers", "classification_helpers", "middleware", "cli", "theme", "plugin"]),
]
PURE = ["ckanext.gbgopendata.assessment", "ckanext.gbgopendata.rule", "ckanext.gbgopendata.checklist.automatic",
        "ckanext.gbgopendata.quality.scoring", "ckanext.gbgopendata.quality.indicators"]


def _layer(module: str) -> int:
    relative = module.removeprefix(PREFIX).lstrip(".")
    best, best_length = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (relative == prefix or relative.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    assert best is not None, f"{module} is in no layer of docs/architecture.md"
    return best


def _only_a_namespace(module: str) -> bool:
    """A package whose __init__ holds no code (importing one of its
    modules runs nothing of the package's own)."""
    path = _sources().get(module)
    if path is None or path.name != "__init__.py":
        return False
    body = ast.parse(path.read_text("utf-8")).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)


def test_dependencies_point_down_the_documented_layers():
    graph = {
        source: {target for target in targets if not _only_a_namespace(target)}
        for source, targets in import_graph().items()
    }
    upward = [
        f"{source} ({LAYERS[_layer(source)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
        for source, targets in graph.items()
        if source != PREFIX
        for target in targets
        if target != PREFIX and _layer(target) > _layer(source)
    ]
    assert upward == []


def test_the_layer_check_finds_an_upward_import():
    assert _layer(f"{PREFIX}.assessment") < _layer(f"{PREFIX}.logic.facts") < _layer(f"{PREFIX}.views.publication")


def test_the_decision_reads_no_ckan_flask_or_database():
    for name in PURE:
        path = _sources()[name]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert not imported & {"ckan", "flask", "sqlalchemy"}, name
