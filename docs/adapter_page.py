"""The generated parts of docs/ADAPTERS.md: the contract's operations, capabilities (with the tests each gates) and
error kinds, read from ``libraries/agent_system/contract.py`` and the suites' ``needs:<capability>`` tags."""

from __future__ import annotations

import ast
import inspect
import re
from collections import defaultdict
from pathlib import Path

from robot.api import TestSuiteBuilder

from libraries.agent_system import contract
from libraries.agent_system.capability_gate import needed_capabilities

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "ADAPTERS.md"
CONTRACT = Path(contract.__file__)
GENERATED = re.compile(r"(<!-- generated: (\w+) -->\n).*?(<!-- end: \2 -->)", re.DOTALL)


def attribute_docs(class_name: str) -> dict[str, tuple[str, str]]:
    """``NAME -> (value, docstring)`` for the string constants of a class in contract.py, in source order."""
    tree = ast.parse(CONTRACT.read_text())
    (node,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    found: dict[str, tuple[str, str]] = {}
    body = node.body
    for index, statement in enumerate(body):
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
            name = statement.targets[0].id  # type: ignore[attr-defined]
            following = body[index + 1] if index + 1 < len(body) else None
            doc = ""
            if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
                doc = " ".join(str(following.value.value).split())
            found[name] = (str(statement.value.value), doc)
    return found


def gated_tests() -> dict[str, list[str]]:
    """Capability -> the suite tests that need it (by ``needs:`` tag)."""
    suite = TestSuiteBuilder().build(str(ROOT / "suites"))
    gated: dict[str, list[str]] = defaultdict(list)
    for test in suite.all_tests:
        for capability in needed_capabilities(test.tags):
            gated[capability].append(f"{test.parent.name}: {test.name}")
    return gated


def capabilities_table() -> str:
    gated = gated_tests()
    rows = ["| Capability | What it means | Tests it gates |", "|---|---|---|"]
    for value, doc in attribute_docs("Capability").values():
        tests = gated.get(value, [])
        shown = "<br>".join(tests[:6]) + (f"<br>… {len(tests) - 6} more" if len(tests) > 6 else "")
        rows.append(f"| `{value}` | {doc or '—'} | {shown or '(used by keywords only)'} |")
    return "\n".join(rows)


def error_kinds_table() -> str:
    rows = ["| Kind | When |", "|---|---|"]
    rows += [f"| `{value}` | {doc} |" for value, doc in attribute_docs("ErrorKind").values()]
    return "\n".join(rows)


def operations_table() -> str:
    adapter = contract.AgentSystemAdapter
    rows = ["| Operation | Required | What it does |", "|---|---|---|"]
    for name, member in adapter.__dict__.items():
        if name.startswith("_") or not callable(member):
            continue
        signature = str(inspect.signature(member)).replace("(self, ", "(").replace("(self)", "()")
        doc = " ".join((inspect.getdoc(member) or "").split("\n\n")[0].split())
        required = "yes" if getattr(member, "__isabstractmethod__", False) else "no"
        rows.append(f"| `{name}{signature}` | {required} | {doc} |")
    return "\n".join(rows)


SECTIONS = {"operations": operations_table, "capabilities": capabilities_table, "error_kinds": error_kinds_table}


def page() -> str:
    """docs/ADAPTERS.md with its generated sections made anew."""
    return GENERATED.sub(lambda m: f"{m.group(1)}{SECTIONS[m.group(2)]()}\n{m.group(3)}", PAGE.read_text())
