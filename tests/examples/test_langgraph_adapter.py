"""The LangGraph example through the adapter contract: answers, model faults, a killed worker, what it cannot do."""

from __future__ import annotations

import httpx2
import pytest

from libraries.agent_system.contract import Capability, NotSupported, result_digest
from tests.orchestrator.harness import System, wait_for

pytest.importorskip("langgraph.checkpoint.postgres", reason="pip install -r examples/langgraph/requirements.txt")

STREAMED = {"stream": True}
"""The agents stream their model calls."""


def reply(system: System, text: str, times: int = 1) -> None:
    system.emulator.script("openai", {"type": "reply", "text": text, "times": times}, **STREAMED)


def test_a_goal_becomes_research_then_an_answer_each_step_applied_once(start_langgraph) -> None:
    system: System = start_langgraph()
    reply(system, "Fact: the answer is six times seven.")
    reply(system, "The answer is 42.")

    run = system.wait_finished(system.submit("What is the answer?"))

    assert run.status == "succeeded", run.error
    assert run.result == "The answer is 42."
    assert [(s.number, s.status, s.applied, s.llm_calls) for s in run.steps] == [
        (1, "succeeded", 1, 1),
        (2, "succeeded", 1, 1),
    ]
    assert run.llm_calls == 2
    assert run.input_tokens > 0 and run.output_tokens > 0
    assert run.cost_usd > 0
    prompts = _prompts(system)
    assert len(prompts) == 2, "each call should carry the run's model name, scope included"
    assert "the answer is six times seven" in prompts[-1], "the research did not reach the writer"
    stored = system.adapter.stored_run(run.id)
    assert (stored.status, stored.step_count, stored.result) == ("succeeded", 2, "The answer is 42.")
    assert stored.result_digest == result_digest("The answer is 42.")
    assert "finished_at" not in stored.shows, "the system keeps no finish time"


def test_a_model_error_fails_the_run_naming_the_node_and_the_status(start_langgraph) -> None:
    system: System = start_langgraph()
    system.emulator.script("openai", {"type": "fail", "status": 400, "message": "prompt too long"}, **STREAMED)

    run = system.wait_finished(system.submit())

    assert run.status == "failed"
    assert run.error.message.startswith("researcher: OpenAI answered 400 Bad Request ("), run.error
    assert "prompt too long" in run.error.message
    assert [(s.number, s.status, s.applied, s.llm_calls, s.deliveries) for s in run.steps] == [(1, "failed", 0, 0, 1)]


def test_a_truncated_stream_is_no_answer_and_fails_the_run(start_langgraph) -> None:
    system: System = start_langgraph()
    reply(system, "Research notes.")
    for kind in ("stall", "truncate"):  # the researcher's stream stalls for no time, the writer's is cut short
        fault = {"type": "stream_fault", "kind": kind, "after_chunks": 1, "stall_seconds": 0}
        system.emulator.script("openai", fault, **STREAMED)

    run = system.wait_finished(system.submit())

    assert run.status == "failed"
    assert run.error.message == "writer: the stream ended without a finish reason (truncated)", run.error
    assert [(s.status, s.applied) for s in run.steps] == [("succeeded", 1), ("failed", 0)]


def test_a_worker_killed_mid_run_resumes_from_its_checkpoint(start_langgraph) -> None:
    system: System = start_langgraph(workers=1)
    run_id = _a_run_waiting_for_its_writer(system)

    assert [(s.number, s.status) for s in system.adapter.run(run_id).steps] == [(1, "succeeded"), (2, "running")]
    killed = system.adapter.kill_worker()
    assert system.adapter.health()["status"] == "degraded"
    assert system.adapter.run(run_id).status == "running"
    system.adapter.start_worker()
    run = system.wait_finished(run_id)

    assert killed == "lg-worker-1"
    assert run.status == "succeeded", run.error
    assert run.result == "The written answer."
    assert [(s.applied, s.llm_calls, s.deliveries) for s in run.steps] == [(1, 1, 1), (1, 1, 2)], (
        "the research was not taken from the checkpoint, or a step was applied twice"
    )


def test_the_busy_worker_is_the_one_killed_and_a_live_one_takes_the_run_over(start_langgraph) -> None:
    system: System = start_langgraph(workers=2)
    run_id = _a_run_waiting_for_its_writer(system)
    names = {worker["name"] for worker in system.adapter.workers()}

    killed = system.adapter.kill_worker()
    run = system.wait_finished(run_id)

    assert names - {killed} == {worker["name"] for worker in system.adapter.workers()}
    assert run.status == "succeeded", run.error
    assert [(s.applied, s.deliveries) for s in run.steps] == [(1, 1), (1, 2)], "the idle worker was killed"


def test_a_run_submitted_with_no_worker_alive_waits_until_one_starts(start_langgraph) -> None:
    system: System = start_langgraph(workers=1)
    system.adapter.kill_worker()
    run_id = system.submit()

    assert system.adapter.run(run_id).status == "pending"
    system.adapter.start_worker()
    run = system.wait_finished(run_id)

    assert run.status == "succeeded", run.error
    assert [s.applied for s in run.steps] == [1, 1]


def test_it_declares_only_what_it_supports(start_langgraph) -> None:
    system: System = start_langgraph()

    assert system.adapter.capabilities == {
        Capability.KILL_WORKER,
        Capability.RESUMES_AFTER_CRASH,
        Capability.USAGE,
        Capability.STREAMING,
    }
    with pytest.raises(NotSupported, match=Capability.PROVIDERS):
        system.submit(provider="anthropic")
    with pytest.raises(NotSupported, match=Capability.DEADLINE):
        system.submit(deadline_s=5)
    with pytest.raises(NotSupported, match=Capability.CACHED_STATE):
        system.adapter.cached_status("any")
    with pytest.raises(NotSupported, match=Capability.CACHED_STATE):
        system.adapter.cached_run("any")
    with pytest.raises(NotSupported, match=Capability.CORRUPT_CACHE):
        system.adapter.corrupt_cached_run("any", status="running")
    assert system.adapter.stored_run("00000000-0000-0000-0000-000000000000") is None
    assert system.adapter.health()["status"] == "ok"
    assert [worker["name"] for worker in system.adapter.workers()] == ["lg-worker-1"]


def _a_run_waiting_for_its_writer(system: System) -> str:
    """Submits a run whose researcher answers at once and whose writer's model call hangs; returns it once the
    writer's call has reached the emulator."""
    reply(system, "Research notes.")
    reply(system, "The written answer.", times=2)  # the call of a killed worker takes one
    for seconds in (0, 30):
        system.emulator.script("openai", {"type": "delay", "seconds": seconds}, **STREAMED)
    run_id = system.submit()
    wait_for(lambda: not _pending_delays(system), 20, "the writer's model call to start")
    return run_id


def _pending_delays(system: System) -> list[dict]:
    pending = httpx2.get(f"{system.emulator.root_url}/_llmock/scenario", timeout=10).json()["pending"]
    scope = f"*@{system.emulator.scope}"
    return [rule for rule in pending if rule["type"] == "delay" and rule.get("match", {}).get("model") == scope]


def _prompts(system: System) -> list[str]:
    records = httpx2.get(f"{system.emulator.root_url}/_llmock/requests", timeout=10).json()["requests"]
    return [str(r.get("body") or r) for r in records if (r.get("model") or "").endswith(system.emulator.scope)]
