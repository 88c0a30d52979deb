"""Workers forked by the system's warm parent are real, separate processes that do steps, crash and stop like the
agents of ``python -m orchestrator agent``, and none outlives the system."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from .harness import System, descendants, wait_for

SLOW_STEP = {"type": "delay", "seconds": 0.6, "times": 1}


def test_a_warm_started_worker_is_a_separate_process_forked_from_the_system_that_does_the_steps(start_system) -> None:
    system: System = start_system(workers=0)
    system.emulator.plan("openai", "First step", "Second step")
    name = system.adapter.start_worker()
    worker = system.adapter.worker_processes()[0]
    system_pid = system.adapter._system.pid

    run = system.wait_finished(system.submit())

    assert worker.pid not in (system_pid, os.getpid())
    assert _parent_of(worker.pid) == system_pid
    assert _cmdline(worker.pid) == _cmdline(system_pid), "forked from the system, not a new interpreter"
    assert run.status == "succeeded", run.error
    assert _workers_of(system, run.id) == [name, name]


def test_a_warm_started_worker_killed_mid_step_has_its_step_redelivered_and_applied_once(start_system) -> None:
    system: System = start_system(workers=0, visibility_timeout_s=0.5)
    system.emulator.plan("openai", "First step", "Second step")
    system.emulator.script("openai", SLOW_STEP, stream=True)
    doomed = system.adapter.start_worker()
    process = system.adapter.worker_processes()[0]
    run_id = system.submit()
    wait_for(lambda: _a_step_is_running(system, run_id), 20, "a step to start")

    assert system.adapter.kill_worker(doomed) == doomed
    assert process.poll() == -signal.SIGKILL
    system.adapter.start_worker()
    run = system.wait_finished(run_id)

    assert run.status == "succeeded", run.error
    assert [step.applied for step in run.steps] == [1, 1]
    assert max(step.deliveries for step in run.steps) == 2


def test_a_warm_started_worker_stops_gracefully_on_sigterm(start_system) -> None:
    system: System = start_system(workers=0)
    name = system.adapter.start_worker()
    worker = system.adapter.worker_processes()[0]
    wait_for(lambda: name in {w["name"] for w in system.adapter.workers()}, 20, f"{name} to beat")

    worker.terminate()

    assert worker.wait(timeout=15) == 0
    assert name not in {w["name"] for w in system.adapter.workers()}, "its heartbeat key is left"


def test_no_process_of_the_system_outlives_its_stop_forked_workers_included(start_system) -> None:
    system: System = start_system(workers=2)
    system.adapter.start_worker()
    system.adapter.start_worker()
    system_pid = system.adapter._system.pid
    forked = {worker.pid for worker in system.adapter.worker_processes()}
    tree = wait_for(lambda: _tree_if(system_pid, size=5), 20, "the API, 2 agents and 2 workers to run")
    assert forked <= tree

    system.adapter.stop()

    assert not [pid for pid in tree | {system_pid} if _alive(pid)]


def test_forked_processes_die_with_the_system_when_it_is_killed(start_system) -> None:
    system: System = start_system(workers=1)
    system.adapter.start_worker()
    system_pid = system.adapter._system.pid
    tree = wait_for(lambda: _tree_if(system_pid, size=3), 20, "the API, an agent and a worker to run")

    os.kill(system_pid, signal.SIGKILL)
    system.adapter._system.wait(timeout=15)

    wait_for(lambda: not [pid for pid in tree if _alive(pid)], 20, "the forked processes to die with the system")


def _tree_if(pid: int, size: int) -> set[int] | None:
    tree = descendants(pid)
    return tree if len(tree) >= size else None


def _a_step_is_running(system: System, run_id: str) -> bool:
    return any(step.status == "running" for step in system.adapter.run(run_id).steps)


def _workers_of(system: System, run_id: str) -> list[str]:
    rows = system.adapter._db.execute("SELECT worker FROM steps WHERE run_id = %s ORDER BY step_no", (run_id,))
    return [row["worker"] for row in rows]


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
