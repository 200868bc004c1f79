"""The layout: subpackages by layer, imports running one way (down), and no import cycle anywhere.

Every ``import`` and ``from … import`` in ``src/b12kg`` counts, wherever it stands (top level, inside a
function, under ``TYPE_CHECKING``): a lazy import that runs up a layer is still a dependency upward.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "b12kg"

#: the layers, bottom first; a module may import its own layer and the layers below it
LAYERS: dict[str, int] = {
    "b12kg.core": 1,
    "b12kg.store": 2,
    "b12kg.queries": 3,
    "b12kg.checks": 4,
    "b12kg.formats": 5,
    "b12kg.pages": 5,
    "b12kg.graph": 6,
    "b12kg.cli": 7,
    "b12kg.web": 7,
    "b12kg": 8,  # the package itself: the public API over everything
    "b12kg.__main__": 8,
}
#: layers whose packages must not import each other (the faces)
SIBLINGS = [{"b12kg.cli", "b12kg.web"}]
#: the one crossing between the faces: the ``b12kg serve`` command starts the web face (never the reverse)
LAUNCHES = {"b12kg.cli.serve": "b12kg.web"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The b12kg modules a ``from … import …`` statement names (a submodule where the name is one)."""
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if not (target == "b12kg" or target.startswith("b12kg.")):
        return []
    out = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        out.append(sub if sub in MODULES else target)
    return out


def _imports(name: str) -> set[str]:
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.update(_resolve(name, path.name == "__init__.py", node))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name == "b12kg" or a.name.startswith("b12kg."))
    return {m for m in found if m in MODULES and m != name}


GRAPH: dict[str, set[str]] = {name: _imports(name) for name in MODULES}


def _layer_of(module: str) -> str:
    best = max((k for k in LAYERS if module == k or module.startswith(k + ".")), key=len, default=None)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add its package to LAYERS in {__file__}")
    return best


def test_the_import_graph_is_real() -> None:
    """The parser sees the imports (a broken walk would pass every other test here)."""
    assert len(MODULES) > 30
    assert "b12kg.core.errors" in GRAPH["b12kg.store.dataset"]
    assert "b12kg.graph" in GRAPH["b12kg.cli.options"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_belongs_to_a_layer(module: str) -> None:
    _layer_of(module)


def test_imports_run_down_the_layers() -> None:
    upward = []
    for module, targets in sorted(GRAPH.items()):
        here = _layer_of(module)
        for target in sorted(targets):
            there = _layer_of(target)
            if LAYERS[there] > LAYERS[here]:
                upward.append(f"{module} (layer {LAYERS[here]}) imports {target} (layer {LAYERS[there]})")
            elif any({here, there} <= group and here != there for group in SIBLINGS) and not (
                    module in LAUNCHES and (target == LAUNCHES[module] or target.startswith(LAUNCHES[module] + "."))):
                upward.append(f"{module} imports {target}: the faces do not import each other")
    assert upward == []


def test_no_import_cycles() -> None:
    """Tarjan's strongly connected components of the module graph: every one must be a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_cycle_check_finds_a_cycle() -> None:
    """The same walk on a graph with a known cycle reports it (so a pass above means something)."""
    saved = dict(GRAPH)
    try:
        GRAPH["b12kg.core.terms"] = {*GRAPH["b12kg.core.terms"], "b12kg.core.results"}
        with pytest.raises(AssertionError):
            test_no_import_cycles()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


@pytest.mark.parametrize("package", sorted(k for k in LAYERS if (SRC.parent / k.replace(".", "/")).is_dir()
                                          and k != "b12kg"))
def test_each_layer_says_what_it_holds_and_may_import(package: str) -> None:
    init = SRC.parent / package.replace(".", "/") / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    assert f"Layer {LAYERS[package]}" in doc and "May import:" in doc, init
