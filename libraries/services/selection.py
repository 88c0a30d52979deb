"""Which embedded services the selected suites use, read from what they import.

A suite that imports (directly or through resource files) the PostgreSQL, Redis or LLM keywords uses that service;
the agent-system, load and health keywords use all three; the fault keywords (`keywords/faults.resource`) use the
fault proxy. A selection that imports none of them (suites calling `Open Suite Namespace` themselves) gets every
service. Under pabot each process reads its own suites this way, and the run starts what any of its processes uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

from robot.running import ResourceFileBuilder

DATA_SERVICES = ("postgres", "redis", "llm")
ALL_SERVICES = (*DATA_SERVICES, "faults")
_LIBRARY_SERVICES = (
    ("postgres_library", ("postgres",)),
    ("databaselibrary", ("postgres",)),
    ("redis_library", ("redis",)),
    ("llm_library", ("llm",)),
    ("agent_system", DATA_SERVICES),
    ("libraries.faults", ("faults",)),
    ("libraries.load", DATA_SERVICES),
    ("libraries.health", DATA_SERVICES),
)


def services_used(suite) -> set[str]:
    """Services the suites and tests of the running suite `suite` (after --include/--exclude) import."""
    used: set[str] = set()
    seen: set[Path] = set()
    for each in _with_tests(suite):
        _collect(each.resource.imports, used, seen)
    return used or set(ALL_SERVICES)


def _with_tests(suite) -> list:
    found = [suite] if suite.tests else []
    for child in suite.suites:
        found.extend(_with_tests(child))
    if found and suite not in found:
        found.append(suite)  # its own imports (an __init__ file) count too
    return found


def _collect(imports, used: set[str], seen: set[Path]) -> None:
    for item in imports:
        name = str(item.name)
        if item.type == "LIBRARY":
            lowered = name.lower().replace("/", ".")
            for marker, services in _LIBRARY_SERVICES:
                if marker in lowered:
                    used.update(services)
        elif item.type == "RESOURCE" and "${" not in name:
            path = _resolve(name, item.directory)
            if path is not None and path not in seen:
                seen.add(path)
                _collect(ResourceFileBuilder().build(str(path)).imports, used, seen)


def _resolve(name: str, directory: str | None) -> Path | None:
    """As Robot Framework finds a resource: next to the importing file, then on Python's path."""
    for base in [directory, *sys.path]:
        if base:
            candidate = Path(base) / name
            if candidate.is_file():
                return candidate.resolve()
    return None
