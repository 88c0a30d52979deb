"""Builds a scenario from what the running suite has open: its Redis connection, schema, agent system."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from robot.libraries.BuiltIn import BuiltIn

from libraries.agent_system import deadlines
from libraries.llm_library.emulator import scoped_model
from libraries.postgres_library.settings import suite_session

from .errors import LoadSetupError
from .scenarios import AgentRuns, PostgresInsertSelect, RedisSetGet

REDIS_LIBRARY = "libraries.redis_library.RedisLibrary"
AGENT_SYSTEM_LIBRARY = "libraries.agent_system.AgentSystemLibrary"
LLM_LIBRARY = "libraries.llm_library.LLMLibrary"
SCENARIOS = ("redis set get", "postgres insert select", "agent runs")
CONNECT_TIMEOUT = timedelta(seconds=5)
OPERATION_TIMEOUT = timedelta(seconds=10)
"""One Redis or PostgreSQL operation, when ``Run Load`` is given no ``timeout``."""


def normalise(name: str) -> str:
    wanted = " ".join(str(name).lower().replace("_", " ").replace("-", " ").split())
    if wanted not in SCENARIOS:
        raise LoadSetupError(f"Unknown load scenario '{name}': use {', '.join(repr(s) for s in SCENARIOS)}.")
    return wanted


def build(name: str, *, timeout: timedelta | None, alias: str | None, goal: str, provider: str) -> Any:
    """The scenario, bounding each operation by ``timeout``; None: 10 s, or for ``agent runs`` a run's load
    deadline scaled for the system under test (``libraries/agent_system/deadlines.py``)."""
    scenario = normalise(name)
    if scenario == "redis set get":
        redis_library = _library(REDIS_LIBRARY, "keywords/redis.resource", "Open Redis Suite")
        connection = redis_library.connections.get_connection(alias)
        return RedisSetGet(
            connection.client, connection.prefix, timeout_s=(timeout or OPERATION_TIMEOUT).total_seconds()
        )
    if scenario == "postgres insert select":
        statement_timeout = timeout or OPERATION_TIMEOUT
        return PostgresInsertSelect(suite_session(statement_timeout=statement_timeout, connect_timeout=CONNECT_TIMEOUT))
    systems = _library(AGENT_SYSTEM_LIBRARY, "keywords/agent_system.resource", "Open Agent System Suite")
    if systems.adapter is None:
        raise LoadSetupError(
            "The 'agent runs' scenario needs a running agent system: call Open Agent System Suite (or Start Agent "
            "System) in the suite setup."
        )
    adapter = systems.adapter
    return AgentRuns(
        adapter,
        model=_model(systems, provider),
        provider=provider,
        goal=goal,
        timeout_s=deadlines.deadline(timeout, deadlines.RUN_UNDER_LOAD, adapter).total_seconds(),
        on_submit=lambda run_id: systems.runs_of_test.add(adapter, run_id),
    )


def _library(name: str, resource: str, setup: str) -> Any:
    try:
        return BuiltIn().get_library_instance(name)
    except RuntimeError:
        raise LoadSetupError(f"This scenario uses {name}: import {resource} and call {setup} first.") from None


def _model(systems: Any, provider: str) -> str:
    """The model the system must send: against the emulator it carries the system's scope (its base URLs do too)."""
    mode, model = systems.models.get(provider, ("real", None))
    if mode != "emulator":
        return model
    llm = _library(LLM_LIBRARY, "keywords/llm.resource", "Connect To The LLM Providers")
    return scoped_model(model, llm.state.script_scope)
