"""The example systems per test, on the run's real PostgreSQL and LLM emulator, in the test's schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from libraries.agent_system.contract import SystemConfig
from libraries.services.runtime import Endpoints, Namespace
from tests.orchestrator.harness import Emulator, System, processes_with


@pytest.fixture
def start_langgraph(services: Endpoints, namespace: Namespace, tmp_path: Path) -> Iterator[Callable[..., System]]:
    """Starts the example's workers in the test's schema; every process of it is gone after the test."""
    from examples.langgraph.adapter import LangGraphAdapter

    yield from _example_system(LangGraphAdapter, "LG_SCHEMA", 1, services, namespace, tmp_path)


@pytest.fixture
def start_plain_sdk(services: Endpoints, namespace: Namespace, tmp_path: Path) -> Iterator[Callable[..., System]]:
    """Starts the plain-SDK example's launcher in the test's schema; every run process is gone after the test."""
    from examples.plain_sdk.adapter import PlainSdkAdapter

    yield from _example_system(PlainSdkAdapter, "PS_SCHEMA", 2, services, namespace, tmp_path)


def _example_system(
    adapter_class: type,
    schema_variable: str,
    default_workers: int,
    services: Endpoints,
    namespace: Namespace,
    tmp_path: Path,
) -> Iterator[Callable[..., System]]:
    """A starter of an example system in the test's schema; after the test no process carrying its schema in
    ``schema_variable`` may be left."""
    started = []

    def start(workers: int = default_workers, **settings: float) -> System:
        config = SystemConfig(
            database_url=services.database_url,
            schema=namespace.schema,
            redis_url=services.redis_url,
            key_prefix=namespace.key_prefix,
            openai_base_url=f"{services.llm_emulator_url}/v1",
            openai_api_key="emulator-key",
            workers=workers,
            log_file=str(tmp_path / f"{schema_variable.lower()}.log"),
            **settings,
        )
        adapter = adapter_class()
        started.append(adapter)
        adapter.start(config)
        return System(adapter, Emulator(services.llm_emulator_url))

    yield start
    for adapter in started:
        adapter.stop()
    for adapter in started:
        left = processes_with(f"{schema_variable}={adapter.config.schema}")
        assert not left, f"processes of {adapter.name} outlived the test: {left}"
