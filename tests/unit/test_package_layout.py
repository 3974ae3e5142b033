"""The layout the tree promises: the engine (layers/tenantapi, the Lambda layer) imports nothing
that only runs beside AWS, and no module of either package takes part in an import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"tenantapi": ROOT / "layers", "tenantapi_tools": ROOT / "tools"}
# What the layer must never import: the tools package and the development-only dependencies.
DEVELOPMENT_ONLY = ("tenantapi_tools", "yaml", "moto", "httpx", "pytest", "selenium", "schemathesis")


def _modules() -> dict[str, Path]:
    modules = {}
    for package, root in PACKAGES.items():
        for path in (root / package).rglob("*.py"):
            modules[".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")] = path
    return modules


MODULES = _modules()


def _imported_names(module: str) -> set[str]:
    """Every name an import statement of `module` names, wherever it stands (function bodies
    and TYPE_CHECKING blocks included), relative imports made absolute."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _internal_imports(module: str) -> set[str]:
    found = set()
    for name in _imported_names(module):
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        # A module reaching its own package's __init__ is how a package exposes itself, not a cycle.
        if name and name != module and not module.startswith(name + "."):
            found.add(name)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_takes_part_in_an_import_cycle():
    assert _cycles({module: _internal_imports(module) for module in MODULES}) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_engine_imports_no_development_code():
    offenders = {
        module: sorted(name for name in _imported_names(module) if name.split(".")[0] in DEVELOPMENT_ONLY)
        for module in MODULES
        if module.split(".")[0] == "tenantapi"
    }
    assert {module: names for module, names in offenders.items() if names} == {}
