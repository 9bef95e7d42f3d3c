"""The layout tells the architecture: the site shell above the apps above the shared vocabulary
above the engine, imports pointing one way, and no import cycle anywhere (function-level imports
included, so a cycle cannot be hidden inside a function)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHELL = {"academy"}
APPS = {"accounts", "lessons", "simulator", "tools", "api", "quiz"}
SHARED = {"core"}
ENGINE = {"margin"}
OURS = SHELL | APPS | SHARED | ENGINE | {"benchmarks"}
# What each layer may import from ours (apps may use each other, as long as no cycle forms).
ALLOWED = {
    **dict.fromkeys(SHELL, APPS | SHARED | ENGINE),
    **dict.fromkeys(APPS, APPS | SHARED | ENGINE),
    **dict.fromkeys(SHARED, SHARED | ENGINE),
    **dict.fromkeys(ENGINE, ENGINE),
    "benchmarks": OURS,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in OURS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports, at any depth of the file (resolved to modules)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, name, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        top = module.split(".")[0]
        packages.setdefault(top, set()).update(
            t.split(".")[0] for t in targets if t.split(".")[0] != top
        )
    return packages


def test_no_module_import_cycle_anywhere():
    assert cycles(import_graph()) == []


def test_no_cycle_between_top_level_packages():
    assert cycles(package_graph(import_graph())) == []


@pytest.mark.parametrize("package", sorted(OURS))
def test_imports_point_down_the_layers(package):
    imported = package_graph(import_graph()).get(package, set())
    assert imported - ALLOWED[package] == set()


def test_the_scan_finds_a_cycle_and_resolves_relative_imports():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = import_graph()
    assert "margin.errors" in graph["margin.evaluate"]
    assert "core.display" in graph["tools.results"]
