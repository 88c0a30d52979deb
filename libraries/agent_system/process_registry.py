"""The processes of a started system under test, kept on disk so that no stop of ``robot`` leaves them behind.

The adapter lists its processes (`AgentSystemAdapter.processes`); a `SystemProcesses` writes them, with their start
times, to a registry in the run directory (``libraries/services/system_registry.py``) and stops whatever is left of
them after ``adapter.stop()``. Who stops them, by how ``robot`` ends:

- normal end, or the first SIGINT/SIGTERM (Robot Framework fails the running keyword and runs the teardowns): the
  suite teardown's `Stop Agent System`, or the library's ``close`` when a suite has no such teardown;
- a second signal (Robot Framework raises ``SystemExit``) or any other interpreter exit: an ``atexit`` handler;
- SIGKILL: the run's supervisor when the run's owner dies, else the next run's janitor (``sweep_dead_runs``).

When the registry is refreshed: right after ``adapter.start()`` and after every keyword of the library
(``submit`` of a one-process-per-run system, ``start_worker``), and every `REFRESH_INTERVAL_S` by a thread, since
a system may start processes on its own (per step, on a retry) and the load keywords submit many runs from threads
inside one keyword. Only the last two cases, and only after SIGKILL or a second signal, depend on the thread: in
every other case the stop itself reads ``processes()`` once more.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading

from robot.api import logger

from libraries.services import runtime
from libraries.services.processes import ProcessId
from libraries.services.system_registry import STOP_GRACE_S, ProcessRegistry, RegisteredProcess, stop_processes

from .contract import AgentSystemAdapter, NotSupported, SystemConfig

REFRESH_INTERVAL_S = 0.5
EXIT_GRACE_S = 3.0


class SystemProcesses:
    """The registry of one started system, refreshed from its adapter until the system is stopped."""

    def __init__(self, adapter: AgentSystemAdapter, run_dir: str) -> None:
        self.adapter = adapter
        owner = ProcessId.of(os.getpid())
        self.registry = ProcessRegistry.create(run_dir, owner, adapter.name) if run_dir else None
        self.listed: dict[ProcessId, RegisteredProcess] = {}
        self.listing_supported = True
        self._lock = threading.Lock()
        self._closed = False
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._refresh_periodically, name="system-processes", daemon=True)

    def refresh(self) -> list[RegisteredProcess]:
        """Adds what ``processes()`` lists now, drops what has ended, and rewrites the registry when it changed.

        Processes the adapter no longer lists stay registered while they live (stopping them is harmless, missing
        one is not). Never raises: an adapter busy starting or stopping is read again at the next refresh.
        """
        if not self.listing_supported:
            return []
        try:
            current = self.adapter.processes()
        except NotSupported:
            self.listing_supported = False
            logger.info(f"{self.adapter.name} does not list its processes: only adapter.stop() can stop them.")
            return []
        except Exception:
            current = []
        with self._lock:
            if self._closed:
                return []
            known = {key: item for key, item in self.listed.items() if key.is_alive()}
            for process in current:
                identity = ProcessId.of(process.pid)
                if identity.is_alive():
                    known.setdefault(identity, RegisteredProcess(identity, process.role, process.name))
            if known != self.listed and self.registry is not None:
                with contextlib.suppress(OSError):  # the run directory is gone: nobody is left to read it
                    self.registry.write(known.values())
            self.listed = known
            return list(known.values())

    def start(self, config: SystemConfig) -> None:
        """``adapter.start(config)``, then the registry; a start that fails leaves none of its processes."""
        _live.add(self)
        try:
            self.adapter.start(config)
        except BaseException:
            self.refresh()
            self.stop_leftovers()
            raise
        self.refresh()
        self._thread.start()

    def stop(self) -> None:
        """``adapter.stop()``, then SIGTERM / SIGKILL to every registered process still alive, then no registry."""
        self.refresh()
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=REFRESH_INTERVAL_S * 4)
        try:
            self.adapter.stop()
        finally:
            left = self.stop_leftovers()
            if left:
                logger.warn(
                    f"{self.adapter.name} left {len(left)} process(es) running after its stop; the kit stopped them: "
                    + ", ".join(f"{item.name or item.role} (pid {item.process.pid})" for item in left)
                )

    def stop_leftovers(self, grace_s: float = STOP_GRACE_S) -> list[RegisteredProcess]:
        """Stops the registered processes that are still alive and removes the registry; returns those it stopped."""
        self._stopped.set()
        _live.discard(self)
        with self._lock:
            self._closed = True
            listed = dict(self.listed)
            stopped = set(stop_processes(listed, grace_s))
            if self.registry is not None:
                self.registry.remove()
            self.listed = {}
        return [item for key, item in listed.items() if key in stopped]

    def _refresh_periodically(self) -> None:
        while not self._stopped.wait(REFRESH_INTERVAL_S):
            self.refresh()


def guarded_start(adapter: AgentSystemAdapter, config: SystemConfig) -> SystemProcesses:
    """Starts the system with a registry of its processes in the run directory (see the module's documentation)."""
    processes = SystemProcesses(adapter, runtime.endpoints().run_dir)
    processes.start(config)
    return processes


_live: set[SystemProcesses] = set()


@atexit.register
def _stop_at_exit() -> None:
    """A second signal to ``robot`` (``SystemExit``) skips the teardowns: stop what they would have stopped."""
    for processes in list(_live):
        with contextlib.suppress(Exception):
            processes.stop_leftovers(EXIT_GRACE_S)
