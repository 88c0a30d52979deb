from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api import logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn

from libraries.common import with_assertion_polling
from libraries.faults.suite import release_current_suite, system_urls
from libraries.llm_library.emulator import EmulatorControl
from libraries.llm_library.settings import PROVIDERS, resolve
from libraries.services import runtime
from libraries.services.settings import setting

from ..base import AgentSystemComponent, llm_state, skip_unsupported
from ..contract import Capability, NotSupported, SystemConfig, declared_capabilities
from ..process_registry import guarded_start
from ..selection import SETTING, load_adapter

DEFECTS_SETTING = "ORCHESTRATOR_DEFECTS"


class LifecycleKeywords(AgentSystemComponent):
    """Starting and stopping the system under test and its workers."""

    @keyword("Start Agent System")
    def start_agent_system(
        self,
        *,
        workers: int = 2,
        visibility_timeout: timedelta = timedelta(seconds=1),
        max_deliveries: int = 3,
        through_fault_proxy: bool = False,
        private_redis: bool = False,
        llm_timeout: timedelta | None = None,
    ) -> None:
        """Starts the system under test chosen by ``AGENT_SYSTEM`` in the current suite namespace.

        It uses the run's PostgreSQL and Redis under the suite's schema and key prefix, and the run's LLM
        emulator (or the real provider when its key is set). ``workers`` is the number of worker processes;
        a message a worker took and did not finish is delivered again after ``visibility_timeout``, at most
        ``max_deliveries`` times before it goes to the dead-letter queue.

        ``AGENT_SYSTEM`` (Robot variable or environment): ``reference`` (default: ``orchestrator/``),
        ``langgraph`` (``examples/langgraph``) or ``package.module:ClassName`` of your own adapter.

        ``through_fault_proxy`` puts this suite's fault proxies (``keywords/faults.resource``) in front of the
        system's PostgreSQL, Redis and LLM base URLs, so fault keywords hit this system only. ``private_redis``
        gives it a Redis of its own (append-only) that `Restart Private Redis` can restart. ``llm_timeout``
        bounds each of its LLM requests (default: the system's own).

        ``ORCHESTRATOR_DEFECTS`` (Robot variable or environment; ``name[,name]``) switches on seeded defects of
        the reference system's catalogue (``orchestrator/defects.py``), to prove that a check catches them; the
        system refuses them unless its PostgreSQL is a test target.

        Example:
        | `Start Agent System`    workers=3    visibility_timeout=500 ms
        | `Start Agent System`    through_fault_proxy=${True}    private_redis=${True}
        """
        if self.library.adapter is not None:
            logger.warn("An agent system was already running in this suite: it is stopped and replaced.")
            self.stop_agent_system()
        adapter = load_adapter(setting(SETTING))
        defects = tuple(name.strip() for name in (setting(DEFECTS_SETTING) or "").split(",") if name.strip())
        if defects:
            logger.info(f"Seeded defects switched on: {', '.join(defects)}.")
        endpoints = runtime.endpoints()
        namespace = runtime.current_namespace()
        if namespace is None:
            raise RuntimeError("Start Agent System needs the suite's namespace: call Open Suite Namespace first.")
        llm = self._llm_settings(endpoints.llm_emulator_url, adapter.name)
        urls = system_urls(
            endpoints.database_url,
            endpoints.redis_url,
            llm["openai"].base_url,
            llm["anthropic"].base_url,
            through_fault_proxy=through_fault_proxy,
            private_redis=private_redis,
        )
        config = SystemConfig(
            schema=namespace.schema,
            key_prefix=namespace.key_prefix,
            **urls,
            openai_api_key=llm["openai"].api_key,
            anthropic_api_key=llm["anthropic"].api_key,
            workers=workers,
            visibility_timeout_s=visibility_timeout.total_seconds(),
            max_deliveries=max_deliveries,
            llm_timeout_s=None if llm_timeout is None else llm_timeout.total_seconds(),
            log_file=self._log_file(namespace.schema),
            defects=defects,
        )
        _, deprecated = declared_capabilities(adapter)
        if deprecated:
            logger.warn(deprecated)
        self.library.system_processes = guarded_start(adapter, config)
        self.library.adapter = adapter
        self.library.models = {name: (resolved.mode, resolved.model) for name, resolved in llm.items()}
        self.library.secrets = [resolved.api_key for resolved in llm.values() if resolved.mode == "real"]
        modes = ", ".join(f"{name} {resolved.mode}" for name, resolved in llm.items())
        logger.info(f"Started {adapter.name} with {workers} worker(s) in schema {namespace.schema} ({modes}).")

    @keyword("Stop Agent System")
    def stop_agent_system(self) -> None:
        """Stops every process of the system under test; safe when none is running (suite teardown).

        The adapter stops its system first; then every process its registry listed (`processes()`) that is still
        alive gets SIGTERM and, after 5 seconds, SIGKILL, with a warning naming them.

        Example:
        | `Stop Agent System`
        """
        adapter, self.library.adapter = self.library.adapter, None
        processes, self.library.system_processes = self.library.system_processes, None
        if processes is not None:
            processes.stop()
        elif adapter is not None:
            adapter.stop()
        if adapter is not None:
            logger.info(f"Stopped {adapter.name}.")
            if any(mode == "emulator" for mode, _ in self.library.models.values()):
                llm_state().close_system_scope()
        release_current_suite()  # its fault proxies and private servers, if it had any

    @keyword("Kill Agent Worker")
    def kill_agent_worker(self, name: str | None = None) -> str:
        """SIGKILLs a worker process: ``name``, else one that is working on a step, else any. Returns its name.

        The log names the worker and the steps it was working on (run id and step number) when the adapter says
        (``work_of``). Starts no other worker. Skipped when the adapter cannot kill workers.

        Example:
        | ${worker} =    `Kill Agent Worker`
        """
        adapter = self.require(Capability.KILL_WORKER, "kill a worker")
        killed = adapter.kill_worker(name)
        self.library.last_kill = time.monotonic()
        try:
            work = adapter.work_of(killed)
            interrupted = ", ".join(f"run {run_id} step {step}" for run_id, step in work) or "no step"
        except NotSupported:
            interrupted = "steps not reported by the adapter"
        logger.info(f"Killed worker {killed} with SIGKILL; it was working on: {interrupted}.")
        return killed

    @keyword("Start Agent Worker")
    def start_agent_worker(self, *, failpoint: str | None = None) -> str:
        """Starts one more worker process and returns its name.

        ``failpoint`` (reference system: ``before_llm``, ``after_llm``, ``after_commit``) makes the new worker
        SIGKILL itself at that point of the first step it works on.

        Example:
        | `Start Agent Worker`    failpoint=after_commit
        """
        adapter = self.require(Capability.KILL_WORKER, "start workers")
        if failpoint:
            self.require(Capability.FAILPOINTS, f"start a worker that dies at {failpoint}")
        options: dict[str, Any] = {"failpoint": failpoint} if failpoint else {}
        name = adapter.start_worker(**options)
        logger.info(f"Started worker {name}{f' with failpoint {failpoint}' if failpoint else ''}.")
        return name

    @keyword("Get Agent Worker Count")
    @with_assertion_polling
    def get_agent_worker_count(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> int:
        """The number of live workers (by their heartbeats).

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Worker Count`    ==    2    retry_timeout=10 s
        """
        adapter = self.require(Capability.KILL_WORKER, "count its workers")
        expected = None if assertion_expected is None else int(assertion_expected)
        count = len(skip_unsupported(adapter.workers))
        return verify_assertion(count, assertion_operator, expected, "Live workers", message)

    @keyword("Get Agent System Health")
    @with_assertion_polling
    def get_agent_system_health(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> str:
        """The system's own health: ``ok``, ``degraded`` or ``down``.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent System Health`    ==    ok    retry_timeout=5 s
        """
        report = skip_unsupported(self.adapter.health)
        try:
            status = verify_assertion(report["status"], assertion_operator, assertion_expected, "Health", message)
        except AssertionError as failure:
            raise AssertionError(message or f"{failure} (report: {report})") from None
        logger.info(f"Health: {report}")
        return status

    def _llm_settings(self, emulator_url: str | None, system_name: str) -> dict[str, Any]:
        """Each provider's settings; against the emulator the base URLs carry a scope of this system's own, so
        every call it makes lands there whatever model it picks, and the emulator keywords script it."""
        scope: list[str] = []

        def emulator_base_url(provider: str) -> str:
            if not scope:
                scope.append(llm_state().open_system_scope(system_name))
            control = EmulatorControl(emulator_url or "")
            return control.openai_base_url(scope[0]) if provider == "openai" else control.anthropic_base_url(scope[0])

        return {
            provider: resolve(
                provider, model=None, api_key=None, base_url=None, llm_mode="live", emulator_base_url=emulator_base_url
            )
            for provider in PROVIDERS
        }

    def _log_file(self, schema: str) -> str:
        directory = Path(BuiltIn().get_variable_value("${OUTPUT_DIR}", ".")) / "agent-systems"
        directory.mkdir(parents=True, exist_ok=True)
        return str(directory / f"{re.sub(r'[^a-z0-9_]', '_', schema)}.log")
