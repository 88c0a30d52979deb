"""SIGKILL of an agent at any moment loses nothing and applies no step twice."""

from __future__ import annotations

import pytest

from .harness import System, wait_for

SLOW_STEP = {"type": "delay", "seconds": 0.6, "times": 1}


@pytest.mark.parametrize("failpoint", ["before_llm", "after_llm", "after_commit"])
def test_an_agent_killed_inside_a_step_leaves_the_step_applied_once(start_system, failpoint: str) -> None:
    system: System = start_system(workers=0, visibility_timeout_s=0.5)
    system.emulator.plan("openai", "First step", "Second step")
    doomed = system.adapter.start_worker(failpoint=failpoint)
    run_id = system.submit()

    process = system.adapter.worker_processes()[0]
    wait_for(lambda: process.poll() is not None, 30, f"{doomed} to kill itself at {failpoint}")
    system.adapter.start_worker()
    run = system.wait_finished(run_id)

    assert run.status == "succeeded", run.error
    assert [step.applied for step in run.steps] == [1, 1]
    assert [step.llm_calls for step in run.steps] == [1, 1], "a stored answer was asked for again"
    assert run.steps[0].deliveries == (1 if failpoint == "after_commit" else 2)


@pytest.mark.timeout(300)
def test_twenty_runs_each_with_an_agent_killed_mid_step_all_finish_once(start_system) -> None:
    system: System = start_system(workers=2, visibility_timeout_s=0.5)
    finished = []
    for number in range(20):
        system.emulator.plan("openai", f"Run {number} step one", f"Run {number} step two")
        system.emulator.script("openai", SLOW_STEP, stream=True)
        run_id = system.submit(f"Goal {number}")
        wait_for(lambda run_id=run_id: _a_step_is_running(system, run_id), 20, f"a step of run {number} to start")
        system.adapter.kill_worker()
        system.adapter.start_worker()
        finished.append(system.wait_finished(run_id, timeout=60))

    assert [run.status for run in finished] == ["succeeded"] * 20, [run.error for run in finished]
    applied = [step.applied for run in finished for step in run.steps]
    assert applied == [1] * 40, applied


def _a_step_is_running(system: System, run_id: str) -> bool:
    return any(step.status == "running" for step in system.adapter.run(run_id).steps)
