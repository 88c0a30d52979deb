"""Every library keyword is declared one way: ``@keyword("Name")``, its name written out (read with ``ast``).

A bare ``@keyword`` lets Robot Framework make the name from the method's name, which cannot spell an acronym
(``Get Llm Cost``); writing the name everywhere is the one form that works for every keyword.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = ROOT / "libraries"


def _is_keyword(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Name) and target.id == "keyword") or (
        isinstance(target, ast.Attribute) and target.attr == "keyword"
    )


def _names_itself(decorator: ast.expr) -> bool:
    """``@keyword("Name")`` or ``@keyword(name="Name")`` with a non-empty string; anything else does not."""
    if not isinstance(decorator, ast.Call):
        return False
    given = decorator.args[:1] + [kw.value for kw in decorator.keywords if kw.arg == "name"]
    return any(
        isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.strip() for value in given
    )


def undeclared_keywords(source: str, filename: str = "<source>") -> list[str]:
    """``function (line)`` for each function decorated as a keyword without its name written out."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if _is_keyword(decorator) and not _names_itself(decorator):
                    found.append(f"{node.name} (line {node.lineno})")
    return found


def keyword_count(source: str) -> int:
    tree = ast.parse(source)
    return sum(
        _is_keyword(decorator)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
    )


MODULES = sorted(LIBRARIES.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_keyword_is_declared_with_its_name(path):
    missing = undeclared_keywords(path.read_text(), str(path))

    assert not missing, f'Declare these as @keyword("Name") in {path.relative_to(ROOT)}: {", ".join(missing)}'


def test_the_libraries_declare_keywords():
    assert sum(keyword_count(path.read_text()) for path in MODULES) > 150


@pytest.mark.parametrize(
    "source",
    [
        "class A:\n    @keyword\n    def get_thing(self): ...\n",
        "class A:\n    @keyword()\n    def get_thing(self): ...\n",
        "class A:\n    @deco.keyword(tags=['x'])\n    def get_thing(self): ...\n",
        "class A:\n    @keyword('')\n    def get_thing(self): ...\n",
        "class A:\n    @keyword(NAME)\n    def get_thing(self): ...\n",
    ],
)
def test_a_keyword_without_its_name_written_out_is_found(source):
    assert undeclared_keywords(source) == ["get_thing (line 3)"]


@pytest.mark.parametrize(
    "source",
    [
        "class A:\n    @keyword('Get Thing')\n    def get_thing(self): ...\n",
        "class A:\n    @keyword(name='Get LLM Thing', tags=['x'])\n    def get_thing(self): ...\n",
        "class A:\n    def _helper(self): ...\n",
    ],
)
def test_a_keyword_with_its_name_passes(source):
    assert undeclared_keywords(source) == []
