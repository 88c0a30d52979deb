"""The tools a step may call before its model call. Their output goes into the step's prompt.

A `ToolError` is the caller's fault (bad input): the step fails at once. Any other exception is treated like every
unclassified error: the message is redelivered and, past ``ORCH_MAX_DELIVERIES``, dead-lettered. ``calculator``
with ``1/0`` is such a poison step.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

NAMES = ("none", "word_count", "calculator")
_OPERATORS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
}


class ToolError(ValueError):
    pass


def run(tool: str, tool_input: str) -> str | None:
    if tool == "none":
        return None
    if tool == "word_count":
        return str(len(tool_input.split()))
    if tool == "calculator":
        return f"{_evaluate(_parse(tool_input)):g}"
    raise ToolError(f"unknown tool '{tool}'")


def _parse(expression: str) -> ast.expr:
    try:
        return ast.parse(expression, mode="eval").body
    except SyntaxError:
        raise ToolError(f"calculator cannot read '{expression[:80]}'") from None


def _evaluate(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.operand))
    raise ToolError("calculator takes numbers and + - * / only")
