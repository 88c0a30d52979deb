"""In libraries/, waiting is written once: no loop sleeps except inside the shared polling helper."""

from __future__ import annotations

import ast
from pathlib import Path

LIBRARIES = Path(__file__).resolve().parents[2] / "libraries"
THE_HELPER = LIBRARIES / "common" / "polling.py"


def sleeps_in_loops(tree: ast.AST) -> list[int]:
    """Line numbers of ``sleep(…)`` / ``time.sleep(…)`` / ``asyncio.sleep(…)`` calls inside a for or while loop."""
    found = []
    for loop in (node for node in ast.walk(tree) if isinstance(node, ast.For | ast.While | ast.AsyncFor)):
        for node in ast.walk(loop):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name == "sleep":
                    found.append(node.lineno)
    return sorted(set(found))


def test_no_library_module_but_the_polling_helper_sleeps_in_a_loop():
    offenders = [
        f"{path.relative_to(LIBRARIES.parent)}:{line}"
        for path in sorted(LIBRARIES.rglob("*.py"))
        if path != THE_HELPER
        for line in sleeps_in_loops(ast.parse(path.read_text()))
    ]
    assert not offenders, f"poll or wait through libraries.common instead of a loop of your own: {offenders}"


def test_the_check_finds_a_sleep_loop():
    code = "import time\nwhile not done():\n    time.sleep(0.1)\n"
    assert sleeps_in_loops(ast.parse(code)) == [3]
