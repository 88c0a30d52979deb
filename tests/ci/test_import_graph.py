"""No import circle in our code: the top-level packages listed in pyproject.toml's ``[tool.setuptools] packages``.

What counts as an import of module ``m``, read with ``ast`` only (nothing is imported):

- every ``import`` and ``from … import`` statement anywhere in ``m``: at module level, under ``if TYPE_CHECKING:``, and
  inside functions. An import moved into a function no longer runs when ``m`` is loaded, but ``m`` still depends on
  what it imports: deferring it hides a circle from the interpreter, not from the design. So it counts.
- relative imports are resolved against ``m``'s package; ``from p import x`` is an import of ``p.x`` when that is a
  module of ours, else of ``p``.
- importing ``a.b.c`` from outside ``a.b`` first runs ``a/__init__`` and ``a/b/__init__``: those count too (a module
  inside ``a.b`` finds ``a.b`` already being loaded, so its own package does not).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def listed_packages(root: Path) -> list[str]:
    """The top-level packages of ``[tool.setuptools] packages`` (``libraries``, ``orchestrator`` ...).

    The list is read with ``ast.literal_eval``: a TOML array of strings is a Python list (``tomllib`` needs 3.11).
    """
    text = (root / "pyproject.toml").read_text()
    table = re.search(r"^\[tool\.setuptools\][ \t]*\n(.*?)(?=^\[|\Z)", text, re.DOTALL | re.MULTILINE)
    listed = re.search(r"^packages\s*=\s*(\[.*?\])", table.group(1) if table else "", re.DOTALL | re.MULTILINE)
    assert listed, "pyproject.toml lists no [tool.setuptools] packages"
    return sorted({name.split(".")[0] for name in ast.literal_eval(listed.group(1))})


def find_modules(root: Path, packages: list[str]) -> dict[str, Module]:
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            found[name] = Module(name, path, is_package)
    return found


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Module name -> the names of our modules it imports (see the module documentation for what counts)."""
    return {name: _imports(module, modules) for name, module in modules.items()}


def _imports(module: Module, modules: dict[str, Module]) -> set[str]:
    targets: set[str] = set()
    for node in ast.walk(ast.parse(module.path.read_text(), str(module.path))):
        if isinstance(node, ast.Import):
            targets.update(_ours(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in modules else _ours(base, modules))
    targets.discard(None)
    loaded_with_it = _ancestors(module.name) | ({module.name} if module.is_package else set())
    for target in list(targets):
        targets.update(package for package in _ancestors(target) - loaded_with_it if package in modules)
    return targets


def _absolute(node: ast.ImportFrom, module: Module) -> str:
    if not node.level:
        return node.module or ""
    parts = module.package.split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _ours(name: str, modules: dict[str, Module]) -> str | None:
    """The module of ours that ``import name`` loads last (``name`` itself, or the package holding an attribute)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:length]) for length in range(1, len(parts))}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import circle per strongly connected group of modules, as a path that ends where it starts."""
    return [_circle_through(group, graph) for group in _strongly_connected(graph)]


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm without recursion; only groups that hold a circle (two modules or more, or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph[node]:
                    groups.append(group)
    return groups


def _circle_through(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest circle from the group's first module back to it, staying inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no circle through {start} in {sorted(group)}")


def area_of(name: str) -> str:
    """What a circle is reported under: each package or module of ``libraries`` (``libraries.redis_library``) and
    each other top-level package (``orchestrator``)."""
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "libraries" else parts[0]


PACKAGES = listed_packages(ROOT)
MODULES = find_modules(ROOT, PACKAGES)
CIRCLES = circles(import_graph(MODULES))


def test_the_packages_checked_are_those_pyproject_lists():
    assert {"libraries", "orchestrator"} <= set(PACKAGES)
    assert all((ROOT / package / "__init__.py").is_file() for package in PACKAGES)
    assert {module.name.split(".")[0] for module in MODULES.values()} == set(PACKAGES)


@pytest.mark.parametrize("area", sorted({area_of(name) for name in MODULES}))
def test_no_import_circle(area):
    found = [circle for circle in CIRCLES if any(area_of(name) == area for name in circle)]
    assert not found, f"Import circles through {area}:\n" + "\n".join(" -> ".join(circle) for circle in found)


def _write(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text(
        '[project]\nname = "shop"\n\n[tool.setuptools]\npackage-dir = {"" = "."}\n'
        'packages = [\n    "shop",  # the shop\n    "shop.orders",\n    "tools",\n]\n\n[tool.ruff]\nline-length = 120\n'
    )
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _circles_in(root: Path) -> list[list[str]]:
    return circles(import_graph(find_modules(root, listed_packages(root))))


def test_a_circle_through_a_package_init_a_relative_import_and_a_function_is_found(tmp_path):
    _write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/orders/__init__.py": "from .cart import Cart\n",
            "shop/orders/cart.py": "from ..prices import price\n",
            "shop/prices.py": "def price():\n    from shop.orders import cart\n",
            "tools/__init__.py": "",
        },
    )

    assert _circles_in(tmp_path) == [["shop.orders", "shop.orders.cart", "shop.prices", "shop.orders"]]


def test_an_import_under_type_checking_closes_a_circle(tmp_path):
    _write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/orders/__init__.py": "",
            "shop/base.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .library import Library\n",
            "shop/library.py": "from . import base\n",
            "tools/__init__.py": "import shop.base\n",
        },
    )

    assert _circles_in(tmp_path) == [["shop.base", "shop.library", "shop.base"]]


def test_siblings_of_a_package_whose_init_imports_them_are_no_circle(tmp_path):
    _write(
        tmp_path,
        {
            "shop/__init__.py": "from .library import Library\n",
            "shop/library.py": "from .base import Base\nfrom shop.orders import cart\n",
            "shop/base.py": "import os\n",
            "shop/orders/__init__.py": "",
            "shop/orders/cart.py": "from shop.base import Base\n",
            "tools/__init__.py": "from shop import library\n",
        },
    )

    assert _circles_in(tmp_path) == []
