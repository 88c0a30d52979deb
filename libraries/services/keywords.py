"""The keywords of `ServicesLibrary`: the run's services and the suites' namespaces."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from robot.api import logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn

from libraries.common import LibraryComponent

from . import runtime
from .embedded import StartupError
from .lifecycle import Run, add_services, endpoints_for, join_run, start_run, stop_run
from .namespaces import NamespaceStore, namespace_for
from .processes import ProcessId, children_running
from .reachability import require_reachable
from .runtime import Namespace, mask_url
from .selection import ALL_SERVICES, services_used
from .settings import (
    check_url_shapes,
    configured_llm_endpoints,
    embedded_services_needed,
    guard_test_targets,
    namespace_max_age,
    setting,
)

_PABOT_RUN_KEY = "agent-services-qa-run"
_PABOT_SWEPT_KEY = "agent-services-qa-swept"
_SWEPT_SERVICES = ("postgres", "redis")


class ServicesKeywords(LibraryComponent[object]):
    """Starting and stopping the run's services, opening and closing the suites' namespaces.

    The component keeps the run it started or joined; the library hands it the run's events as a listener.
    """

    def __init__(self, library: object) -> None:
        super().__init__(library)
        self._run: Run | None = None
        self._store: NamespaceStore | None = None
        self._stopped = False
        self._selected: set[str] | None = None

    @keyword("Start Run Services")
    def start_run_services(self) -> None:
        """Resolves the run's services, starting embedded servers for what is not configured.

        Fails within 10 seconds, with one line naming the setting, when a configured server does not answer.
        Calling it again in the same process does nothing.

        Example:
        | `Start Run Services` |
        """
        if self._run is not None:
            return
        used = set(ALL_SERVICES) if self._selected is None else self._selected
        database_url = setting("DATABASE_URL") if "postgres" in used else None
        redis_url = setting("REDIS_URL") if "redis" in used else None
        max_age = namespace_max_age()
        check_url_shapes(database_url, redis_url)
        guard_test_targets(database_url, redis_url)
        require_reachable(database_url, redis_url, configured_llm_endpoints() if "llm" in used else [])
        toxiproxy_url = setting("TOXIPROXY_URL") if "faults" in used else None
        needed = [service for service in embedded_services_needed() if service in used]
        needed += ["faults"] if "faults" in used and not toxiproxy_url else []
        self._run, to_sweep = self._start_or_join(needed, [name for name in _SWEPT_SERVICES if name in used])
        endpoints = endpoints_for(self._run, database_url, redis_url, toxiproxy_url=toxiproxy_url, used=used)
        runtime.activate(endpoints)
        self._store = NamespaceStore(endpoints.database_url, endpoints.redis_url)
        logger.info(
            f"Run {endpoints.run_id}: PostgreSQL {mask_url(endpoints.database_url) or 'not used'}, "
            f"Redis {mask_url(endpoints.redis_url) or 'not used'}, "
            f"LLM emulator {endpoints.llm_emulator_url or 'not needed'}"
            + (f", fault proxy {mask_url(endpoints.fault_proxy_url)}" if endpoints.fault_proxy_url else "")
        )
        if to_sweep:
            swept = self._store.sweep(max_age, to_sweep)
            if swept:
                logger.info(f"Janitor dropped {len(swept)} namespace(s) of dead runs: {', '.join(swept)}")

    @keyword("Stop Run Services")
    def stop_run_services(self) -> None:
        """Stops the embedded servers and deletes their data; under pabot only the last process does.

        Safe to call when nothing was started.

        Example:
        | `Stop Run Services` |
        """
        if self._run is None or self._stopped:
            return
        if self._store is not None:
            self._store.close()
        if _pabot_uri():
            from pabot.pabotlib import PabotLib

            # Run On Last Process waits until every other pabot item has ended. Run Teardown Only Once, called from
            # here, was seen stopping the servers in the last queue item while an earlier item was still running.
            PabotLib().run_on_last_process("Stop Embedded Services")
        else:
            self.stop_embedded_services()
        self._stopped = True
        runtime.activate(None)

    @keyword("Stop Embedded Services")
    def stop_embedded_services(self) -> None:
        """Stops this run's embedded servers now. `Stop Run Services` calls it once per run; tests rarely need it."""
        if self._run is not None:
            stop_run(self._run)
            logger.info(f"Run {self._run.run_id}: embedded services stopped, {self._run.run_dir} removed")

    @keyword("Open Suite Namespace")
    def open_suite_namespace(self) -> Namespace:
        """Creates the current suite's PostgreSQL schema and Redis key prefix and makes them the active namespace.

        Sets suite variables ``${SUITE_SCHEMA}`` and ``${SUITE_KEY_PREFIX}`` and returns the namespace. Starts the
        run's services first when the suite runs without ``suites/__init__.robot``.

        Example:
        | Suite Setup    | `Open Suite Namespace` |
        | Suite Teardown | `Close Suite Namespace` |
        """
        self.start_run_services()
        builtin = BuiltIn()
        # The pid keeps namespaces apart when pabot's --testlevelsplit runs one suite in several processes.
        suite = f"{builtin.get_variable_value('${SUITE NAME}')}"
        namespace = namespace_for(runtime.endpoints().run_id, suite, process=os.getpid())
        self._store.create(namespace, self._run.owner)
        runtime.push_namespace(namespace)
        builtin.set_suite_variable("${SUITE_SCHEMA}", namespace.schema)
        builtin.set_suite_variable("${SUITE_KEY_PREFIX}", namespace.key_prefix)
        return namespace

    @keyword("Close Suite Namespace")
    def close_suite_namespace(self) -> None:
        """Drops the active namespace: ``DROP SCHEMA … CASCADE`` and SCAN + UNLINK of its key prefix.

        Disconnect the suite's own database connections first: an open transaction blocks the drop (it fails after
        10 seconds). Does nothing when no namespace is open, so it is safe in a teardown.

        Example:
        | Suite Teardown | `Close Suite Namespace` |
        """
        namespace = runtime.pop_namespace()
        if namespace is not None and self._store is not None:
            dropped = self._store.drop(namespace)
            logger.info(f"Dropped {' and '.join(dropped)}" if dropped else "No server to drop the namespace from")

    def select_services(self, data: Any) -> None:
        """What the whole run's selected tests import decides which services start.

        The library may first be imported by a child suite (a directory without ``__init__.robot``): the run's
        top suite is found through the parents.
        """
        if self._selected is None:
            while data.parent is not None:
                data = data.parent
            self._selected = services_used(data)

    def stop_at_the_end(self) -> None:
        """The end of the run stops what a forgotten teardown left running (plain robot only)."""
        if not _pabot_uri():
            self.stop_run_services()

    def _start_or_join(self, needed: list[str], used: list[str]) -> tuple[Run, list[str]]:
        """The run, and which of the `used` servers (PostgreSQL, Redis) this process sweeps of dead runs' namespaces.

        Under pabot the first process starts the run with what it needs; a later one adds what the run lacks. Each
        server is swept by the first process that uses it.
        """
        uri = _pabot_uri()
        if not uri:
            return start_run(needed, ProcessId.of(os.getpid())), used
        from pabot.pabotlib import PabotLib

        pabot = PabotLib()
        pabot.acquire_lock(_PABOT_RUN_KEY)
        try:
            shared = pabot.get_parallel_value_for_key(_PABOT_RUN_KEY)
            if shared.startswith("FAILED:"):
                raise StartupError(shared[len("FAILED:") :])
            if shared:
                run = join_run(Path(shared))
                missing = [service for service in needed if service not in run.urls]
                run = add_services(run, missing) if missing else run
            else:
                try:
                    pabot_main = os.getppid()
                    run = start_run(needed, ProcessId.of(pabot_main), children_running(pabot_main, "pabot.pabotlib"))
                except Exception as error:
                    pabot.set_parallel_value_for_key(_PABOT_RUN_KEY, f"FAILED:{error}")
                    raise
                pabot.set_parallel_value_for_key(_PABOT_RUN_KEY, str(run.run_dir))
            swept = pabot.get_parallel_value_for_key(_PABOT_SWEPT_KEY).split(",")
            pabot.set_parallel_value_for_key(_PABOT_SWEPT_KEY, ",".join(sorted({*swept, *used} - {""})))
            return run, [service for service in used if service not in swept]
        finally:
            pabot.release_lock(_PABOT_RUN_KEY)


def _pabot_uri() -> str | None:
    return BuiltIn().get_variable_value("${PABOTLIBURI}")
