"""A reference orchestrator per test, on the run's real PostgreSQL, Redis and LLM emulator, in the test's namespace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from libraries.agent_system.contract import SystemConfig
from libraries.agent_system.reference import ReferenceAdapter
from libraries.services.runtime import Endpoints, Namespace

from .harness import Emulator, System, processes_with


@pytest.fixture
def start_system(services: Endpoints, namespace: Namespace, tmp_path: Path) -> Iterator[Callable[..., System]]:
    """Starts a reference orchestrator in the test's namespace; every process of it is gone after the test."""
    started: list[ReferenceAdapter] = []

    def start(workers: int = 2, *, schema: str | None = None, key_prefix: str | None = None, **options: Any) -> System:
        emulator = Emulator(services.llm_emulator_url)
        config = SystemConfig(
            database_url=services.database_url,
            schema=schema or namespace.schema,
            redis_url=services.redis_url,
            key_prefix=key_prefix or namespace.key_prefix,
            openai_base_url=f"{services.llm_emulator_url}/v1",
            anthropic_base_url=f"{services.llm_emulator_url}/anthropic",
            openai_api_key="emulator-key",
            anthropic_api_key="emulator-key",
            workers=workers,
            log_file=str(tmp_path / f"system-{len(started)}.log"),
            **options,
        )
        adapter = ReferenceAdapter()
        started.append(adapter)
        adapter.start(config)
        return System(adapter, emulator)

    yield start
    for adapter in started:
        adapter.stop()
    for adapter in started:
        left = processes_with(f"ORCH_KEY_PREFIX={adapter.config.key_prefix}")
        assert not left, f"processes of the system outlived the test: {left}"
