"""What the crash suites cannot see. suites/orchestration/crash_recovery.robot specifies that a worker SIGKILLed
before its LLM call, after it or after its commit loses nothing, applies each step once and asks the LLM once per
step; crash_kills.robot does so twenty times over. Here: how the reference orchestrator counts the work a
redelivered step caused."""

from __future__ import annotations

from .harness import System, wait_for


def test_a_step_committed_before_the_crash_is_not_worked_on_again(start_system) -> None:
    system: System = start_system(workers=0, visibility_timeout_s=0.5)
    system.emulator.plan("openai", "First step", "Second step")
    doomed = system.adapter.start_worker(failpoint="after_commit")
    run_id = system.submit()

    process = system.adapter.worker_processes()[0]
    wait_for(lambda: process.poll() is not None, 30, f"{doomed} to kill itself after its commit")
    system.adapter.start_worker()
    run = system.wait_finished(run_id)

    assert run.status == "succeeded", run.error
    assert run.steps[0].deliveries == 1, "the redelivered message of a committed step started its work again"


def test_a_killed_worker_is_reported_with_the_step_it_was_working_on(start_system) -> None:
    system: System = start_system(workers=1, visibility_timeout_s=30)
    system.emulator.plan("openai", "Slow step")
    system.emulator.script("openai", {"type": "delay", "seconds": 10}, stream=True)
    run_id = system.submit()
    wait_for(lambda: system.adapter.work_of(system.adapter.workers()[0]["name"]), 30, "a step to be running")

    killed = system.adapter.kill_worker()

    assert system.adapter.work_of(killed) == [(run_id, 1)]
