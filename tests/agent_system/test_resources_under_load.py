"""Memory and connections of the reference system under a short load, and the seeded defects that must fail them.

Each defect is switched on only through the catalogue setting (``SystemConfig.defects`` -> ``ORCHESTRATOR_DEFECTS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from assertionengine import AssertionOperator

from libraries.agent_system.contract import SystemConfig
from libraries.agent_system.errors import AgentSystemError
from libraries.agent_system.reference import ReferenceAdapter
from libraries.load.driver import drive
from libraries.load.keywords.resources import ResourceKeywords
from libraries.load.resources import sampler_for
from libraries.load.result import LoadResult
from libraries.load.scenarios import AgentRuns
from libraries.services.runtime import Endpoints, Namespace

from ..orchestrator.harness import Emulator

RUNS = 40
IN_FLIGHT = 4
CHECKS = ResourceKeywords(None)


@pytest.fixture
def start_reference(
    services: Endpoints, namespace: Namespace, tmp_path: Path
) -> Iterator[Callable[..., ReferenceAdapter]]:
    started: list[ReferenceAdapter] = []

    def start(*, defects: tuple[str, ...] = (), workers: int = 2, database_url: str | None = None) -> ReferenceAdapter:
        adapter = ReferenceAdapter()
        started.append(adapter)
        adapter.start(
            SystemConfig(
                database_url=database_url or services.database_url,
                schema=namespace.schema,
                redis_url=services.redis_url,
                key_prefix=namespace.key_prefix,
                openai_base_url=f"{services.llm_emulator_url}/v1",
                anthropic_base_url=f"{services.llm_emulator_url}/anthropic",
                openai_api_key="emulator-key",
                anthropic_api_key="emulator-key",
                workers=workers,
                log_file=str(tmp_path / f"system-{len(started)}.log"),
                defects=defects,
            )
        )
        return adapter

    yield start
    for adapter in started:
        adapter.stop()


def run_load(adapter: ReferenceAdapter, services: Endpoints, runs: int = RUNS) -> LoadResult:
    model = Emulator(services.llm_emulator_url).model("openai")
    scenario = AgentRuns(adapter, model=model, provider="openai", goal="Load", timeout_s=30)
    sampler = sampler_for(adapter, interval_s=0.1)
    sampler.start()
    try:
        outcome = drive(scenario, concurrency=IN_FLIGHT, operations=runs, time_bound_s=60)
    finally:
        resources = sampler.stop()
    assert outcome.errors == 0, outcome.error_samples
    return LoadResult(
        scenario=scenario.name,
        concurrency=IN_FLIGHT,
        planned=runs,
        time_bound_s=60,
        count=outcome.count,
        errors=outcome.errors,
        elapsed_s=outcome.elapsed_s,
        histogram=outcome.histogram,
        resources=resources,
    )


def test_the_registry_lists_the_warm_parent_the_api_and_each_agent(start_reference) -> None:
    adapter = start_reference(workers=2)
    adapter.start_worker()

    roles = sorted(process.role for process in adapter.processes())

    assert roles == ["agent", "agent", "agent", "api", "system"]


def test_the_clean_system_levels_off_and_stays_within_its_pools(start_reference, services: Endpoints) -> None:
    adapter = start_reference()

    result = run_load(adapter, services)

    print(result.resources.figures(), result.resources.growth())
    CHECKS.memory_growth_should_level_off(result)
    CHECKS.connections_should_stay_below_pool_limit(result)
    assert CHECKS.get_peak_memory_of_agent_system(result, AssertionOperator[">"], "10 MiB") > 10


def test_a_memory_leak_per_run_does_not_level_off(start_reference, services: Endpoints) -> None:
    adapter = start_reference(defects=("leak_memory_per_run",))

    result = run_load(adapter, services)

    print(result.resources.figures(), result.resources.growth())
    CHECKS.connections_should_stay_below_pool_limit(result)
    with pytest.raises(AssertionError) as failure:
        CHECKS.memory_growth_should_level_off(result)
    assert re.fullmatch(
        rf"memory grew by \d+\.\d MiB over {RUNS} runs and did not level off "
        r"\(first half \+\d+\.\d MiB, second half \+\d+\.\d MiB, margin 2 MiB\)",
        str(failure.value),
    ), failure.value


def test_a_connection_held_per_step_passes_the_pool_limit(start_reference, services: Endpoints) -> None:
    adapter = start_reference(defects=("hold_connection_per_step",))

    result = run_load(adapter, services, runs=10)

    print(result.resources.figures())
    with pytest.raises(AssertionError) as failure:
        CHECKS.connections_should_stay_below_pool_limit(result)
    limit = result.resources.pool_limit
    assert re.match(rf"\d+ of {limit} connections in use: ", str(failure.value)), failure.value


def test_an_unknown_defect_is_refused_naming_the_known_ones(start_reference) -> None:
    with pytest.raises(AgentSystemError, match="unknown defect 'no_such'; known: leak_memory_per_run, hold_connection"):
        start_reference(defects=("no_such",))
