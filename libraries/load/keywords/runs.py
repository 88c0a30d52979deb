from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn

from libraries.common import LibraryComponent, facts

from .. import context
from ..driver import Progress, drive
from ..resources import DEFAULT_INTERVAL_S, ResourceSeries, sampler_for
from ..result import LoadResult, save, summary_table


class RunKeywords(LibraryComponent[object]):
    """Running a scenario under load."""

    @keyword("Run Load")
    def run_load(
        self,
        scenario: str,
        *,
        concurrency: int = 4,
        operations: int = 1000,
        time_bound: timedelta = timedelta(seconds=60),
        timeout: timedelta | None = None,
        goal: str = "Load",
        provider: str = "openai",
        alias: str | None = None,
        sample_resources: bool = True,
        sample_interval: timedelta = timedelta(seconds=DEFAULT_INTERVAL_S),
    ) -> LoadResult:
        """Runs ``operations`` operations of ``scenario`` with ``concurrency`` in flight and returns the result.

        ``scenario``: ``redis set get``, ``postgres insert select`` or ``agent runs`` (see `Scenarios`). No
        operation starts after ``time_bound``. ``timeout`` bounds one operation: after that time the keyword stops
        waiting for it (and counts it as an error). Default: 10 s; for ``agent runs`` 40 s for the reference
        system, scaled for a slower one (``Deadlines`` in the agent-system library). ``alias`` picks the Redis
        connection; ``goal`` and ``provider`` are those of the agent runs.

        For ``agent runs`` of an adapter that lists its processes, a sampler records every ``sample_interval`` the
        memory of each process of the system, its PostgreSQL connections and Redis clients (see `Resources under
        load`); ``sample_resources=${False}`` turns it off.

        Example:
        | ${result} =    `Run Load`    redis set get    concurrency=8    operations=2000
        | ${result} =    `Run Load`    agent runs    concurrency=50    operations=200    time_bound=40 s    timeout=30 s
        """
        built = context.build(scenario, timeout=timeout, alias=alias, goal=goal, provider=provider)
        adapter = getattr(built, "adapter", None)
        sampler = sampler_for(adapter, sample_interval.total_seconds()) if sample_resources and adapter else None
        resources: ResourceSeries | None = None
        if sampler is not None:
            sampler.start()
        try:
            outcome = drive(
                built,
                concurrency=concurrency,
                operations=operations,
                time_bound_s=time_bound.total_seconds(),
                progress=_console(built.name),
            )
        finally:
            if sampler is not None:
                resources = sampler.stop()
        result = LoadResult(
            scenario=built.name,
            concurrency=concurrency,
            planned=operations,
            time_bound_s=time_bound.total_seconds(),
            count=outcome.count,
            errors=outcome.errors,
            elapsed_s=outcome.elapsed_s,
            histogram=outcome.histogram,
            error_kinds=outcome.error_kinds,
            error_samples=outcome.error_samples,
            stopped_by_time_bound=outcome.stopped_by_time_bound,
            stuck_workers=outcome.stuck_workers,
            peak_in_flight=outcome.peak_in_flight,
            extra=outcome.extra,
            environment=built.environment(),
            resources=resources,
            system=getattr(built, "system", None),
        )
        logger.info(summary_table(result), html=True)
        if not result.complete:
            logger.warn(
                f"Load '{result.scenario}' ran {result.count} of {result.planned} operations: it reached its time "
                f"bound of {result.time_bound_s:g} s."
            )
        _keep(result)
        return result


def _console(name: str):
    def show(progress: Progress) -> None:
        rate = progress.done / progress.elapsed_s if progress.elapsed_s else 0.0
        logger.console(
            f"  load '{name}': {progress.done}/{progress.planned} operations, {progress.errors} errors, "
            f"{rate:.0f}/s, {progress.elapsed_s:.0f} s"
        )

    return show


def _keep(result: LoadResult) -> None:
    """The result file for merging, and a row of the run summary's load section."""
    variables = BuiltIn().get_variables()
    output_dir = Path(str(variables.get("${OUTPUT_DIR}", ".")))
    test = str(variables.get("${TEST_NAME}", variables.get("${SUITE_NAME}", "")))
    path = save(result, output_dir, f"{result.scenario}-{test}")
    logger.info(f"Result with its histogram: {path}")
    figures = result.figures()
    facts.add(
        "load",
        scenario=result.scenario,
        test=test,
        result=path.name,  # a label of its own: two loads in one test are two rows, never a sum of their p95
        operations=result.count,
        errors=result.errors,
        throughput_per_s=figures["throughput_per_s"],
        p95_ms=figures["latency_ms"]["p95"],
        p99_ms=figures["latency_ms"]["p99"],
        **result.extra,
        **(result.resources.figures() if result.resources is not None else {}),
    )
