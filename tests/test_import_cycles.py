"""No import circles among the project's modules, in Python or in the phone app's JS.

A circle means neither module can be read, changed or tested without the other, and in
Python it works only as long as the imports stay lazy. Every import counts: at the top,
inside a function, or only for type checking.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "coach"
JS_ROOTS = (ROOT / "static" / "js", ROOT / "service_worker")


def python_module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def python_imports(path: Path, modules: set[str]) -> set[str]:
    """The project's modules that ``path`` imports (a package's ``__init__`` only when
    the package itself is imported, not one of its modules)."""
    here = python_module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {name for name in found if name in modules and name != here}


def python_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {python_module(path) for path in paths}
    return {python_module(path): python_imports(path, modules) for path in paths}


JS_IMPORT = re.compile(
    r"""(?:^|[\s;])(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]"""
    r"""|(?:^|[\s;])import\s*['"]([^'"]+)['"]"""
    r"""|\bimport\(\s*['"]([^'"]+)['"]\s*\)""",
    re.MULTILINE,
)
JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:'\"])//[^\n]*", re.DOTALL)


def js_imports(path: Path) -> set[Path]:
    """The project's JS files ``path`` imports: static ``import … from``, bare
    ``import '…'``, re-exports and dynamic ``import('…')`` with a literal path."""
    text = JS_COMMENT.sub("", path.read_text())
    targets = {next(g for g in m.groups() if g) for m in JS_IMPORT.finditer(text)}
    return {(path.parent / t).resolve() for t in targets if t.startswith(".")}


def js_graph() -> dict[str, set[str]]:
    paths = sorted(p for root in JS_ROOTS for p in root.rglob("*.js"))
    name = {p.resolve(): str(p.relative_to(ROOT)) for p in paths}
    return {name[p.resolve()]: {name[t] for t in js_imports(p) if t in name} for p in paths}


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_the_finder_sees_a_circle_and_a_chain() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_circle_among_python_modules() -> None:
    graph = python_graph()
    assert len(graph) > 50 and graph["coach.accounts.models"], "the imports were not read"
    assert cycles(graph) == []


def test_no_circle_among_js_modules() -> None:
    graph = js_graph()
    assert graph["static/js/app.js"], "the imports were not read"
    assert cycles(graph) == []


def test_the_domain_and_the_plumbing_import_nothing_above_them() -> None:
    """coach/domain/ imports only itself; the modules at the top of coach/ (config,
    database, errors, schemas ...) only each other and the domain, never a capability."""

    def capability(module: str) -> bool:
        return module.count(".") >= 1 and not module.startswith("coach.domain")

    def plumbing(module: str) -> bool:
        return module.count(".") == 1 and not module.startswith("coach.domain")

    upward = {
        (module, imported)
        for module, imports in python_graph().items()
        for imported in imports
        if (module.startswith("coach.domain") and not imported.startswith("coach.domain"))
        or (plumbing(module) and capability(imported) and not plumbing(imported))
    }
    assert upward == set()
