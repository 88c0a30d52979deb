"""Deterministic checks on an answer: contains, pattern, JSON schema, length, refusal, and a 0-1 rubric score."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import jsonschema

REFUSAL_PATTERNS = (
    r"\bI(?:'m| am) (?:sorry|unable|not able)\b",
    r"\bI can(?:'t|not) (?:help|assist|comply|provide|do that)\b",
    r"\bI won'?t be able to\b",
    r"\bas an AI\b",
)
_REFUSAL = re.compile("|".join(REFUSAL_PATTERNS), re.IGNORECASE)


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text))


def parse_json(text: str | dict | list) -> Any:
    """The answer as JSON; a fenced ```json block is accepted as models often send one."""
    if not isinstance(text, str):
        return text
    fenced = re.fullmatch(r"\s*```(?:json)?\s*(.*?)\s*```\s*", text, re.DOTALL)
    return json.loads(fenced.group(1) if fenced else text)


def schema_errors(value: Any, schema: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(value)
    ]


def length_of(text: str, unit: str) -> int:
    return len(text.split()) if unit == "words" else len(text)


@dataclass(frozen=True)
class Criterion:
    name: str
    passed: bool
    detail: str


def score(
    text: str,
    *,
    required: list[str],
    forbidden: list[str],
    schema: dict[str, Any] | None,
    expects_json: bool,
    min_length: int | None,
    max_length: int | None,
    unit: str,
) -> tuple[float, list[Criterion]]:
    """Share of criteria met, each required fact and each forbidden item counting as one criterion."""
    folded = text.casefold()
    criteria = [Criterion(f"required fact '{fact}'", fact.casefold() in folded, "present") for fact in required]
    criteria += [Criterion(f"forbidden '{item}'", item.casefold() not in folded, "absent") for item in forbidden]
    if expects_json or schema is not None:
        criteria.append(_format_criterion(text, schema))
    if min_length is not None or max_length is not None:
        size = length_of(text, unit)
        low, high = min_length or 0, max_length if max_length is not None else float("inf")
        criteria.append(Criterion("length", low <= size <= high, f"{size} {unit}, wanted {low}..{high}"))
    criteria = [c if c.passed or c.detail not in ("present", "absent") else _missed(c) for c in criteria]
    if not criteria:
        return 1.0, []
    return sum(c.passed for c in criteria) / len(criteria), criteria


def _missed(criterion: Criterion) -> Criterion:
    return Criterion(criterion.name, False, "missing" if criterion.detail == "present" else "found")


def _format_criterion(text: str, schema: dict[str, Any] | None) -> Criterion:
    try:
        value = parse_json(text)
    except ValueError as error:
        return Criterion("format", False, f"not JSON ({error})")
    problems = schema_errors(value, schema) if schema is not None else []
    return Criterion("format", not problems, "; ".join(problems) or "valid")
