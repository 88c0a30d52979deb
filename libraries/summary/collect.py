"""The run summary computed from a result model: one output.xml, pabot's merge or a rebot merge of shards."""

from __future__ import annotations

import json
from typing import Any

from robot.result import TestSuite

from libraries.common import facts

from . import services

AREA_TAGS = ("redis", "postgres", "llm", "orchestration", "faults", "load", "health")
SLOWEST = 10
LLM_SECTION = "llm"
LLM_FIGURES = ("calls", "input_tokens", "cached_input_tokens", "output_tokens", "cost_usd")
SYSTEM_LLM_SECTION = "llm_system"
"""The LLM calls of the systems under test, as the emulator counted them in each system's scope."""
SYSTEM_LLM_FIGURES = ("calls", "input_tokens", "output_tokens", "faults")


def summarize(suite: TestSuite) -> dict[str, Any]:
    tests = list(suite.all_tests)
    sections = _sections(suite)
    return {
        "name": suite.name,
        "status": suite.status,
        "totals": {**_counts(tests), "elapsed_s": round(suite.elapsed_time.total_seconds(), 3)},
        "services": _services(suite),
        "areas": _areas(tests),
        "slowest": [
            {
                "test": _short_name(test, suite),
                "seconds": round(test.elapsed_time.total_seconds(), 3),
                "status": test.status,
            }
            for test in sorted(tests, key=lambda test: test.elapsed_time, reverse=True)[:SLOWEST]
        ],
        "llm": {
            **_llm(sections.pop(LLM_SECTION, [])),
            "system_under_test": _system_llm(sections.pop(SYSTEM_LLM_SECTION, [])),
        },
        "sections": sections,
    }


def _counts(tests: list) -> dict[str, int]:
    counts = {"tests": len(tests), "pass": 0, "fail": 0, "skip": 0, "not_run": 0}
    for test in tests:
        counts[test.status.lower().replace(" ", "_")] += 1
    return counts


def _areas(tests: list) -> dict[str, dict[str, int]]:
    """Pass / fail / skip per area tag; a test with two area tags counts in both, one with none as ``other``."""
    areas: dict[str, list] = {}
    for test in tests:
        tagged = [tag for tag in AREA_TAGS if test.tags.match(tag)] or ["other"]
        for tag in tagged:
            areas.setdefault(tag, []).append(test)
    order = [*AREA_TAGS, "other"]
    return {tag: _counts(areas[tag]) for tag in sorted(areas, key=order.index)}


def _services(suite: TestSuite) -> dict[str, str]:
    """The service metadata entries of every (merged) run; differing values are all shown."""
    found: dict[str, list[str]] = {}
    for each in _all_suites(suite):
        for name, value in services.from_metadata(each.metadata).items():
            if value not in found.setdefault(name, []):
                found[name].append(value)
    return {name: " / ".join(values) for name, values in found.items()}


def _sections(suite: TestSuite) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for each in _all_suites(suite):
        text = each.metadata.get(facts.METADATA_NAME)
        if not text:
            continue
        try:
            recorded = json.loads(text)
        except ValueError:
            continue
        for section, section_rows in recorded.items():
            rows.setdefault(section, []).extend(section_rows)
    return {section: facts.merge_rows(section_rows) for section, section_rows in sorted(rows.items())}


def _llm(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_model = facts.merge_rows(
        {key: row[key] for key in ("provider", "model", "mode", *LLM_FIGURES) if key in row} for row in rows
    )
    by_model.sort(key=lambda row: (row.get("provider", ""), row.get("model", ""), row.get("mode", "")))
    total = {figure: round(sum(row.get(figure, 0) for row in by_model), 9) for figure in LLM_FIGURES}
    return {"by_model": by_model, "total": total}


def _system_llm(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The systems' own calls, apart from the kit's (``by_model`` and ``total`` above are the kit's calls only)."""
    labels = ("system", "provider", "model", "mode")
    by_model = facts.merge_rows({key: row[key] for key in (*labels, *SYSTEM_LLM_FIGURES) if key in row} for row in rows)
    by_model.sort(key=lambda row: tuple(str(row.get(label, "")) for label in labels))
    total = {figure: sum(row.get(figure, 0) for row in by_model) for figure in SYSTEM_LLM_FIGURES}
    return {"by_model": by_model, "total": total}


def _all_suites(suite: TestSuite):
    yield suite
    for child in suite.suites:
        yield from _all_suites(child)


def _short_name(test, top: TestSuite) -> str:
    """The test's name below its run's root suite, so one run and a rebot combine of shards name tests alike."""
    roots = {id(top)} | ({id(child) for child in top.suites} if top.source is None else set())
    parts, parent = [test.name], test.parent
    while parent is not None and id(parent) not in roots:
        parts.append(parent.name)
        parent = parent.parent
    return ".".join(reversed(parts))
