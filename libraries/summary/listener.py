"""Robot Framework side: the run facts of each suite and the summary at the end of a plain ``robot`` run."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn
from robotlibcore import DynamicCore

from libraries.common import LibraryComponent, facts

from . import services
from .write import write_summary


@library(scope="GLOBAL", auto_keywords=False, listener="SELF")
class RunSummary:
    """Records the run's services and facts in output.xml and, for plain ``robot``, writes the run summary.

    Import it in ``suites/__init__.robot``. After the root suite's setup it asks the servers this process uses for
    their versions: root suite metadata ``PostgreSQL server``, ``Redis server``, ``LLM endpoint`` and the SDK
    versions, one entry each, so pabot's merge (which updates the root metadata process by process) keeps what
    every process used; the ``Run Facts`` of `libraries.summary.facts` sit on each suite and survive it too.

    A plain ``robot`` run then writes ``summary.json`` and ``summary.md`` into the output directory, prints the
    summary and adds it as metadata ``Run Summary`` shown in report.html and log.html. A pabot worker sees only
    its part of the run, so after ``pabot`` (and after ``rebot``) run ``python -m libraries.summary OUTPUT.xml``.
    """

    def __init__(self) -> None:
        self._services: dict[str, str] | None = None

    def end_keyword(self, data: Any, result: Any) -> None:
        suite = result.parent
        if result.type == "SETUP" and getattr(suite, "parent", False) is None and not _dry_run():
            self._services = services.describe_servers()

    def end_suite(self, data: Any, result: Any) -> None:
        if result.parent is not None:
            return
        described = {**(self._services or {}), **services.describe_llm()}
        result.metadata.update(services.as_metadata(described))
        builtin = BuiltIn()
        if builtin.get_variable_value("${PABOTLIBURI}") is None and not _dry_run():
            write_summary(result, builtin.get_variable_value("${OUTPUT DIR}"))


class RunFacts(DynamicCore):
    """Adds figures to the run summary from a suite: ``Library    libraries.summary.RunFacts``."""

    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self) -> None:
        DynamicCore.__init__(self, [FactKeywords(self)])


class FactKeywords(LibraryComponent[object]):
    @keyword("Record Run Fact")
    def record_run_fact(self, section: str, **figures: str) -> None:
        """Adds a row to ``section`` of the run summary; numbers are summed over rows with the same labels.

        Values that look like numbers count as numbers; the others label the row.

        Example:
        | `Record Run Fact` | faults | fault=latency | target=postgres | injected=1 |
        """
        facts.add(section, **{name: _number_or_text(value) for name, value in figures.items()})


def _number_or_text(value: Any) -> Any:
    if isinstance(value, int | float) or not isinstance(value, str):
        return value
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def _dry_run() -> bool:
    from robot.running.context import EXECUTION_CONTEXTS

    context = EXECUTION_CONTEXTS.current or EXECUTION_CONTEXTS.top
    return bool(context and context.dry_run)
