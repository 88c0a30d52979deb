"""Registries of the processes of systems under test: what dead owners listed is stopped, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from libraries.services.processes import ProcessId
from libraries.services.system_registry import (
    ProcessRegistry,
    RegisteredProcess,
    registries,
    stop_orphaned_systems,
    stop_processes,
)

DEAD_OWNER = ProcessId(999_999_999, "1")


@pytest.fixture
def sleepers() -> Iterator[list[ProcessId]]:
    """Two live processes that ignore nothing: SIGTERM ends them."""
    started = [
        subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"], stdin=subprocess.DEVNULL)
        for _ in range(2)
    ]
    yield [ProcessId.of(process.pid) for process in started]
    for process in started:
        process.kill()
        process.wait()


def _register(run_dir: Path, owner: ProcessId, *processes: ProcessId) -> ProcessRegistry:
    registry = ProcessRegistry.create(run_dir, owner, "a system")
    registry.write(RegisteredProcess(process, "worker", f"worker {process.pid}") for process in processes)
    return registry


def test_the_janitor_stops_what_a_dead_owner_listed_and_removes_its_registry(tmp_path, sleepers):
    _register(tmp_path, DEAD_OWNER, *sleepers)

    stopped = stop_orphaned_systems([tmp_path])

    assert sorted(stopped, key=str) == sorted(sleepers, key=str)
    assert not any(process.is_alive() for process in sleepers)
    assert registries(tmp_path) == []


def test_the_janitor_keeps_what_a_live_owner_listed(tmp_path, sleepers, owner):
    registry = _register(tmp_path, owner, *sleepers)

    assert stop_orphaned_systems([tmp_path]) == []

    assert all(process.is_alive() for process in sleepers)
    assert [found for found, _ in registries(tmp_path)] == [registry]


def test_a_listed_pid_with_another_start_time_is_never_signalled(tmp_path, sleepers):
    reused = ProcessId(sleepers[0].pid, str(int(sleepers[0].started) - 1))
    _register(tmp_path, DEAD_OWNER, reused)

    assert stop_orphaned_systems([tmp_path]) == []

    assert sleepers[0].is_alive()


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace():
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, sys; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(flush=True); signal.pause()",
        ],
        stdout=subprocess.PIPE,
    )
    stubborn.stdout.readline()  # its SIGTERM handler is in place
    process = ProcessId.of(stubborn.pid)

    assert stop_processes([process], grace_s=0.2) == [process]

    assert stubborn.wait(timeout=5) == -9
