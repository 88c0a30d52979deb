"""Figures a run reports for its summary: LLM calls, faults injected, load results, anything countable.

This is the hook for keyword libraries and suites. While a test runs, call::

    from libraries.common import facts

    facts.add("faults", fault="latency", target="postgres", injected=1)
    facts.add("load", scenario="100 agents", requests=5000, errors=0, p95_ms=41.5)

or, from a suite, the keyword `Record Run Fact` (``Library    libraries.summary.RunFacts``). Text values label a
row; numbers are added up over the rows of a section with the same labels, so give each measurement that must not
be summed (a p95) a label of its own. The figures go at once into the running suite's metadata ``Run Facts``
(JSON), which output.xml keeps, so they survive pabot's and rebot's merges; ``python -m
libraries.summary`` shows every section. Outside a Robot Framework run `add` does nothing.

It lives in the shared core, not in ``libraries.summary``: the libraries that report figures and the summary that
reads them both depend on it, and neither on the other.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

METADATA_NAME = "Run Facts"


def add(section: str, **figures: Any) -> None:
    """Adds one row of figures to ``section`` of the current suite's ``Run Facts`` metadata."""
    suite = _current_result_suite()
    if suite is None:
        return
    recorded = json.loads(suite.metadata.get(METADATA_NAME) or "{}")
    recorded[section] = merge_rows([*recorded.get(section, []), figures])
    suite.metadata[METADATA_NAME] = json.dumps(recorded, sort_keys=True, separators=(",", ":"))


def merge_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the same text values become one row whose numbers are the sums."""
    merged: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}
    for row in rows:
        labels = tuple(sorted((name, str(value)) for name, value in row.items() if not _is_number(value)))
        target = merged.setdefault(labels, dict(labels))
        for name, value in row.items():
            if _is_number(value):
                target[name] = round(target.get(name, 0) + value, 9)
    return list(merged.values())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _current_result_suite() -> Any:
    """The result of the running suite (what output.xml gets when the suite ends), or None outside a run.

    Set directly rather than with ``Set Suite Metadata``, which would log a line for every call.
    """
    from robot.running.context import EXECUTION_CONTEXTS

    context = EXECUTION_CONTEXTS.current
    return context.suite if context is not None else None
