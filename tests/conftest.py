"""Real servers for the project's own tests: the same embedded default (or DATABASE_URL / REDIS_URL) the suites use."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from libraries.services import runtime
from libraries.services.lifecycle import endpoints_for, start_run, stop_run
from libraries.services.namespaces import NamespaceStore, namespace_for
from libraries.services.processes import ProcessId
from libraries.services.runtime import Endpoints, Namespace
from libraries.services.settings import embedded_services_needed, setting


@pytest.fixture(scope="session")
def owner() -> ProcessId:
    return ProcessId.of(os.getpid())


@pytest.fixture(scope="session")
def services(owner: ProcessId) -> Iterator[Endpoints]:
    """The run's endpoints, activated in `runtime`; embedded servers are stopped after the session."""
    run = start_run(embedded_services_needed(), owner)
    endpoints = endpoints_for(run, setting("DATABASE_URL"), setting("REDIS_URL"))
    runtime.activate(endpoints)
    yield endpoints
    runtime.activate(None)
    stop_run(run)


@pytest.fixture
def namespace_store(services: Endpoints) -> Iterator[NamespaceStore]:
    store = NamespaceStore(services.database_url, services.redis_url)
    yield store
    store.close()


@pytest.fixture
def namespace(
    services: Endpoints, namespace_store: NamespaceStore, owner: ProcessId, request: pytest.FixtureRequest
) -> Iterator[Namespace]:
    """A fresh schema and key prefix for one test, active in `runtime`, dropped afterwards."""
    created = namespace_for(services.run_id, f"{request.node.module.__name__}.{request.node.name}", os.getpid())
    namespace_store.create(created, owner)
    runtime.push_namespace(created)
    yield created
    runtime.pop_namespace()
    namespace_store.drop(created)


@pytest.fixture
def robot_warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The warnings libraries write with ``robot.api.logger.warn`` during the test, in order."""
    from robot.api import logger

    written: list[str] = []
    monkeypatch.setattr(logger, "warn", lambda message, html=False: written.append(message))
    return written
