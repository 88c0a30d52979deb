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

    started: list[LangGraphAdapter] = []

    def start(workers: int = 1) -> System:
        config = SystemConfig(
            database_url=services.database_url,
            schema=namespace.schema,
            redis_url=services.redis_url,
            key_prefix=namespace.key_prefix,
            openai_base_url=f"{services.llm_emulator_url}/v1",
            openai_api_key="emulator-key",
            workers=workers,
            log_file=str(tmp_path / "langgraph.log"),
        )
        adapter = LangGraphAdapter()
        started.append(adapter)
        adapter.start(config)
        return System(adapter, Emulator(services.llm_emulator_url))

    yield start
    for adapter in started:
        adapter.stop()
    for adapter in started:
        left = processes_with(f"LG_SCHEMA={adapter.config.schema}")
        assert not left, f"processes of the LangGraph example outlived the test: {left}"


@pytest.fixture
def start_plain_sdk(services: Endpoints, namespace: Namespace, tmp_path: Path) -> Iterator[Callable[..., System]]:
    """Starts the plain-SDK example's launcher in the test's schema; every run process is gone after the test."""
    from examples.plain_sdk.adapter import PlainSdkAdapter

    started: list[PlainSdkAdapter] = []

    def start(workers: int = 2, **settings: float) -> System:
        config = SystemConfig(
            database_url=services.database_url,
            schema=namespace.schema,
            redis_url=services.redis_url,
            key_prefix=namespace.key_prefix,
            openai_base_url=f"{services.llm_emulator_url}/v1",
            openai_api_key="emulator-key",
            workers=workers,
            log_file=str(tmp_path / "plain_sdk.log"),
            **settings,
        )
        adapter = PlainSdkAdapter()
        started.append(adapter)
        adapter.start(config)
        return System(adapter, Emulator(services.llm_emulator_url))

    yield start
    for adapter in started:
        adapter.stop()
    for adapter in started:
        left = processes_with(f"PS_SCHEMA={adapter.config.schema}")
        assert not left, f"processes of the plain-SDK example outlived the test: {left}"
