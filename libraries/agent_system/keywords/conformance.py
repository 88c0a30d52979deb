from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from robot.api import TestSuiteBuilder, logger
from robot.api.deco import keyword

from libraries.common import wait_until
from libraries.services.processes import pid_alive

from ..base import AgentSystemComponent, skip_unsupported
from ..capability_gate import missing_capabilities, needed_capabilities

SUITES = Path(__file__).resolve().parents[3] / "suites"


class ConformanceKeywords(AgentSystemComponent):
    """What an adapter declares, checked: its processes, its kills, which suite tests its capabilities let run."""

    @keyword("Agent System Processes Should Be Alive")
    def agent_system_processes_should_be_alive(self) -> int:
        """The adapter lists the system's processes (``processes()``) and each one is alive. Returns how many.

        Skipped when the adapter does not list its processes.

        Example:
        | `Agent System Processes Should Be Alive`
        """
        processes = skip_unsupported(self.adapter.processes)
        if not processes:
            raise AssertionError(f"{self.adapter.name} lists no process: processes() must name every live one.")
        dead = [
            f"{process.role} {process.name} (pid {process.pid})" for process in processes if not pid_alive(process.pid)
        ]
        if dead:
            raise AssertionError(f"processes() lists {len(dead)} process(es) that are not alive: {', '.join(dead)}")
        logger.info("Processes: " + ", ".join(f"{p.role} {p.name} (pid {p.pid})" for p in processes))
        return len(processes)

    @keyword("Agent Worker Should Be Gone")
    def agent_worker_should_be_gone(self, name: str, timeout: timedelta = timedelta(seconds=5)) -> None:
        """The worker ``name`` that `Kill Agent Worker` killed is no longer a live process of the system.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it.

        Example:
        | ${worker} =    `Kill Agent Worker`
        | `Agent Worker Should Be Gone`    ${worker}
        """

        def alive() -> list[int]:
            listed = skip_unsupported(self.adapter.processes)
            return [process.pid for process in listed if process.name == name and pid_alive(process.pid)]

        wait_until(
            lambda: not alive(),
            timeout.total_seconds(),
            message=f"worker {name} of {self.adapter.name} is still alive after it was killed",
        )
        logger.info(f"Worker {name} is gone.")

    @keyword("Log Suite Tests The Agent System Will Run")
    def log_suite_tests_the_agent_system_will_run(self) -> dict[str, list[str]]:
        """Logs (and writes to the console) which tests of ``suites/`` the adapter's capabilities let run, and
        which it skips for a missing capability. Returns ``{"run": [...], "skip": [...]}``.

        Example:
        | `Log Suite Tests The Agent System Will Run`
        """
        adapter = self.adapter
        verdict: dict[str, list[str]] = {"run": [], "skip": []}
        for test in TestSuiteBuilder().build(str(SUITES)).all_tests:
            if not needed_capabilities(test.tags):
                continue
            missing = missing_capabilities(adapter, test.tags)
            name = f"{test.parent.name}: {test.name}"
            verdict["skip" if missing else "run"].append(name + (f" (needs {', '.join(missing)})" if missing else ""))
        summary = (
            f"{adapter.name}: of the suite tests that need a capability, {len(verdict['run'])} will run and "
            f"{len(verdict['skip'])} will skip."
        )
        logger.console(f"\n{summary}")
        for name in verdict["skip"]:
            logger.console(f"  skips: {name}")
        logger.info(summary + "\nRun: " + "; ".join(verdict["run"]) + "\nSkip: " + "; ".join(verdict["skip"]))
        return verdict
