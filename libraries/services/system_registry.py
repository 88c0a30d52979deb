"""On-disk registries of the processes a run's test processes started for their systems under test.

A test process (``robot``, one per pabot process) that starts a system under test keeps, in the run directory, one
file per started system: its own identity (the *owner*) and every process of the system it has learnt of, each
with its start time so that a recycled pid is never signalled. Whoever outlives a killed owner stops what the file
lists: the owner itself at the end of the system (teardown, library close, interpreter exit), the run's supervisor
when the run's owner dies, and the janitor (`stop_orphaned_systems`) at the start of the next run.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from libraries.common import WaitTimeout, wait_until

from .processes import ProcessId

SYSTEMS_DIR = "systems"
STOP_GRACE_S = 5.0


@dataclass(frozen=True)
class RegisteredProcess:
    process: ProcessId
    role: str = ""
    name: str = ""


@dataclass(frozen=True)
class ProcessRegistry:
    """One started system's registry file: ``<run dir>/systems/<owner pid>-<random>.json``."""

    path: Path
    owner: ProcessId
    system: str = ""

    @classmethod
    def create(cls, run_dir: str | Path, owner: ProcessId, system: str) -> ProcessRegistry:
        path = Path(run_dir) / SYSTEMS_DIR / f"{owner.pid}-{secrets.token_hex(4)}.json"
        return cls(path, owner, system)

    @classmethod
    def read(cls, path: Path) -> tuple[ProcessRegistry, list[RegisteredProcess]]:
        data = json.loads(path.read_text())
        listed = [
            RegisteredProcess(ProcessId.parse(item["process"]), item.get("role", ""), item.get("name", ""))
            for item in data["processes"]
        ]
        return cls(path, ProcessId.parse(data["owner"]), data.get("system", "")), listed

    def write(self, processes: Iterable[RegisteredProcess]) -> None:
        """Replaces the file whole (a reader sees the old list or the new one); creates no run directory."""
        self.path.parent.mkdir(mode=0o755, exist_ok=True)
        data = {
            "owner": str(self.owner),
            "system": self.system,
            "processes": [{"process": str(p.process), "role": p.role, "name": p.name} for p in processes],
        }
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_text(json.dumps(data))
        os.replace(temporary, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def registries(run_dir: str | Path) -> list[tuple[ProcessRegistry, list[RegisteredProcess]]]:
    """Every readable registry of the run, with the processes it lists."""
    found = []
    for path in sorted((Path(run_dir) / SYSTEMS_DIR).glob("*.json")):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            found.append(ProcessRegistry.read(path))
    return found


def stop_processes(processes: Iterable[ProcessId], grace_s: float = STOP_GRACE_S) -> list[ProcessId]:
    """SIGTERM to every one still alive (same pid and start time), SIGKILL to those alive after ``grace_s``.

    Returns the processes that were alive. Waits until each is gone or a zombie; reaping is left to its parent
    (an adapter's ``Popen`` still reads the true exit status).
    """
    alive = [process for process in processes if process.is_alive()]
    for process in alive:
        _signal(process.pid, signal.SIGTERM)
    if _wait_gone(alive, grace_s):
        return alive
    for process in alive:
        if process.is_alive():
            _signal(process.pid, signal.SIGKILL)
    _wait_gone(alive, grace_s)
    return alive


def stop_registered(run_dir: str | Path, *, orphans_only: bool, grace_s: float = STOP_GRACE_S) -> list[ProcessId]:
    """Stops what the run's registries list and removes them; only those of dead owners when ``orphans_only``."""
    stopped = []
    for registry, listed in registries(run_dir):
        if orphans_only and registry.owner.is_alive():
            continue
        stopped += stop_processes([item.process for item in listed], grace_s)
        registry.remove()
    return stopped


def stop_orphaned_systems(runs: Iterable[Path], grace_s: float = STOP_GRACE_S) -> list[ProcessId]:
    """The janitor's part for systems under test: in every run directory, stop what registries of dead owners list.

    Covers an owner killed with SIGKILL whose run lives on (one pabot process) and runs whose supervisor is gone.
    """
    stopped = []
    for run_dir in runs:
        stopped += stop_registered(run_dir, orphans_only=True, grace_s=grace_s)
    return stopped


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def _wait_gone(processes: list[ProcessId], timeout_s: float) -> bool:
    def gone() -> bool:
        return not any(process.is_alive() for process in processes)  # a zombie is gone: its parent reaps it

    try:
        wait_until(gone, timeout_s, pause=0.02)
    except WaitTimeout:
        return False
    return True
