"""The fault proxy is a program of its own (standard library only) and the fault packages import without circles.

Module-level imports count, also those under ``if TYPE_CHECKING:``; imports inside functions do not (they run
later, once every module is loaded). A submodule's implicit import of its parent package is not an edge.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("fault_proxy", "libraries/faults")


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of PACKAGES."""
    files = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def imported_names(path: Path, module: str, *, module_level: bool, modules: frozenset[str] = frozenset()) -> set[str]:
    """Absolute names of the modules ``path`` imports; ``from package import name`` names ``package.name`` when
    that is one of ``modules``, else ``package``."""
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    nodes = _module_level(tree.body) if module_level else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            source = ".".join(part for part in (base, node.module or "") if part)
            names |= {f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names}
    return names


def _module_level(statements: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run at import: the top level and the bodies of its ``if`` / ``try`` / ``with`` blocks."""
    found: list[ast.stmt] = []
    for statement in statements:
        found.append(statement)
        for block in ("body", "orelse", "finalbody", "handlers"):
            if not isinstance(statement, ast.If | ast.Try | ast.With):
                break
            for part in getattr(statement, block, []):
                found += _module_level(part.body if isinstance(part, ast.ExceptHandler) else [part])
    return found


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    known = frozenset(files)
    return {
        module: (imported_names(path, module, module_level=True, modules=known) & known) - {module}
        for module, path in files.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[module] = "done"
        path.pop()
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_no_import_cycle_in_the_fault_packages() -> None:
    graph = import_graph()
    assert {"fault_proxy.links", "fault_proxy.toxics", "libraries.faults.library"} <= set(graph)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_check_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_fault_proxy_imports_the_standard_library_only() -> None:
    modules = {module: path for module, path in module_files().items() if module.startswith("fault_proxy")}
    allowed = set(sys.stdlib_module_names) | {"fault_proxy", "__future__"}
    foreign = {
        module: sorted({name.split(".")[0] for name in imported_names(path, module, module_level=False)} - allowed)
        for module, path in modules.items()
    }
    assert "fault_proxy.server" in modules
    assert {module: names for module, names in foreign.items() if names} == {}
