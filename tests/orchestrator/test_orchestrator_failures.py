"""Poison messages, model errors, bad plans, truncated streams and deadlines each end the run with one reason."""

from __future__ import annotations

from .harness import System


def test_a_poison_step_goes_to_the_dead_letter_stream_and_fails_its_run(start_system) -> None:
    system: System = start_system(workers=1, visibility_timeout_s=0.3, max_deliveries=2)
    system.emulator.plan("openai", "Fine step", ("Divide", "calculator", "1 / 0"))

    run = system.wait_finished(system.submit(), timeout=60)

    assert run.status == "failed"
    assert "step 2: dead-lettered after 2 deliveries" in run.error.message
    assert "ZeroDivisionError" in run.error.message
    letters = system.adapter.dead_letters()
    assert [(letter["stream"], letter["deliveries"]) for letter in letters] == [("steps", "3")]


def test_a_non_retryable_model_error_fails_the_run_naming_provider_and_status(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.plan("anthropic", "Only step")
    system.emulator.script(
        "anthropic", {"type": "fail", "status": 400, "message": "prompt too long", "times": 1}, stream=True
    )

    run = system.wait_finished(system.submit(provider="anthropic"))

    assert run.status == "failed"
    assert run.error.message.startswith("step 1: Anthropic answered 400 Bad Request (request id "), run.error
    assert "prompt too long" in run.error.message


def test_retryable_errors_are_retried_and_the_run_succeeds(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.plan("openai", "Only step")
    system.emulator.script("openai", {"type": "fail", "status": 429, "retry_after": 0.2, "times": 1}, stream=True)
    system.emulator.script("openai", {"type": "fail", "status": 503, "times": 1}, stream=True)

    run = system.wait_finished(system.submit())

    assert run.status == "succeeded", run.error


def test_exhausted_retries_fail_the_run_with_the_attempts(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.plan("openai", "Only step")
    system.emulator.script("openai", {"type": "fail", "status": 500, "times": 3}, stream=True)

    run = system.wait_finished(system.submit())

    assert run.status == "failed"
    assert "OpenAI answered 500 Internal Server Error after 3 attempts" in run.error.message, run.error


def test_a_plan_that_breaks_its_schema_fails_the_run(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.script("openai", {"type": "reply", "text": '{"steps": []}'}, stream=False)

    run = system.wait_finished(system.submit())

    assert run.status == "failed"
    assert run.error.message.startswith(
        "planner: the plan does not match its schema at steps: [] should be non-empty"
    ), run.error


def test_a_truncated_stream_fails_the_step(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.plan("openai", "Only step")
    system.emulator.script(
        "openai", {"type": "stream_fault", "kind": "truncate", "after_chunks": 1, "times": 1}, stream=True
    )

    run = system.wait_finished(system.submit())

    assert run.status == "failed"
    assert "without a finish reason (truncated)" in run.error.message, run.error


def test_a_passed_deadline_fails_the_run_with_that_reason(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.plan("openai", "Slow step")
    system.emulator.script("openai", {"type": "delay", "seconds": 5, "times": 1}, stream=True)

    run = system.wait_finished(system.submit(deadline_s=1), timeout=10)

    assert run.status == "failed"
    assert run.error.message == "the run's deadline of 1 s passed while it was running"
    assert run.error.kind == "deadline"


def test_a_cancelled_run_ends_cancelled_and_cannot_be_cancelled_again(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.plan("openai", "Slow step")
    system.emulator.script("openai", {"type": "delay", "seconds": 3, "times": 1}, stream=True)
    run_id = system.submit()

    system.adapter.cancel(run_id)
    run = system.wait_finished(run_id)

    assert run.status == "cancelled"
    assert all(step.applied == 0 for step in run.steps)
