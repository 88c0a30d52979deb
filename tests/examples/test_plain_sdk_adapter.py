"""The plain-SDK example through the adapter contract: one process per run, tool calls and a hand-off, SDK errors
as kinds, a killed run process failing its run, and its process registry."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import httpx2
import pytest
import redis

from libraries.agent_system.contract import Capability, NotSupported, RunError
from tests.orchestrator.harness import System, wait_for

PLAN = ["Find the figures", "Check the sum"]


def plan(system: System, steps: list[str]) -> None:
    """The planner's answer: a call of submit_plan with these steps (the first call that offers tools)."""
    call = {"name": "submit_plan", "arguments": {"steps": steps}}
    system.emulator.script("openai", {"type": "reply", "tool_calls": [call]}, tools=True, stream=False)


def final_answer(system: System, text: str) -> None:
    """The writer's answer: the first call that offers no tools."""
    system.emulator.script("openai", {"type": "reply", "text": text}, tools=False, stream=False)


def test_a_goal_is_planned_researched_handed_over_and_written(start_plain_sdk, services) -> None:
    system: System = start_plain_sdk()
    plan(system, PLAN)
    final_answer(system, "The sum is 14.")

    run = system.wait_finished(system.submit("Add up the figures"))

    assert run.status == "succeeded", run.error
    assert run.result == "The sum is 14."
    assert [(s.number, s.status, s.applied, s.llm_calls, s.deliveries) for s in run.steps] == [
        (1, "succeeded", 1, 1, 1),
        (2, "succeeded", 1, 1, 1),
    ]
    assert run.llm_calls == 5, "planner, two steps, the hand-off and the writer"
    assert run.input_tokens > 0 and run.output_tokens > 0 and run.cost_usd > 0
    bodies = _requests(system)
    assert [body.get("stream", False) for body in bodies] == [False] * 5, "every call is a plain completion"
    assert [_forced_tool(body) for body in bodies] == [
        "submit_plan",
        "record_note",
        "record_note",
        "transfer_to_writer",
        None,
    ]
    assert "mock-note" in json.dumps(bodies[-1]["messages"]), "the researcher's notes did not reach the writer"
    stored = system.adapter.stored_run(run.id)
    assert (stored.status, stored.step_count, stored.result) == ("succeeded", 2, "The sum is 14.")
    assert stored.finished_at is not None


def test_the_conversation_is_kept_in_redis_under_the_key_prefix(start_plain_sdk, services, namespace) -> None:
    system: System = start_plain_sdk()
    plan(system, PLAN[:1])

    run = system.wait_finished(system.submit())

    assert run.status == "succeeded", run.error
    client = redis.Redis.from_url(services.redis_url)
    prefix = f"{namespace.key_prefix}plain_sdk:{run.id}"
    messages = [json.loads(item) for item in client.lrange(f"{prefix}:messages", 0, -1)]
    roles = ["system", "user", "user", "assistant", "tool", "user", "assistant", "tool", "assistant"]
    assert [m["role"] for m in messages] == roles
    assert messages[6]["tool_calls"][0]["function"]["name"] == "transfer_to_writer"
    assert messages[-1]["name"] == "writer"
    assert client.hget(f"{prefix}:state", "agent") == b"writer"
    client.close()


def test_a_killed_run_process_fails_its_run_as_crashed(start_plain_sdk) -> None:
    system: System = start_plain_sdk()
    run_id = _a_run_waiting_in_its_first_step(system)
    pid = system.adapter.processes()[0].pid

    killed = system.adapter.kill_worker()
    run = system.wait_finished(run_id, timeout=10)

    assert killed == f"run-{run_id}"
    assert system.adapter.work_of(killed) == [(run_id, 1)]
    assert run.status == "failed"
    assert (run.error.kind, run.error.provider, run.error.status) == ("crashed", None, None)
    assert f"(pid {pid}) was killed by SIGKILL" in run.error.message
    assert [(s.status, s.applied) for s in run.steps] == [("failed", 0)]
    assert system.adapter.processes() == []


def test_a_run_process_killed_from_outside_the_adapter_fails_its_run_too(start_plain_sdk) -> None:
    system: System = start_plain_sdk()
    run_id = _a_run_waiting_in_its_first_step(system)

    os.kill(system.adapter.processes()[0].pid, 9)
    run = system.wait_finished(run_id, timeout=10)

    assert (run.status, run.error.kind) == ("failed", "crashed")


@pytest.mark.parametrize(
    ("fault", "kind", "status", "text"),
    [
        ({"type": "fail", "status": 429, "retry_after": 0.05, "times": 3}, "rate_limited", 429, "after 3 attempts"),
        ({"type": "fail", "status": 529, "retry_after": 0.05, "times": 3}, "overloaded", 529, "529"),
        ({"type": "fail", "status": 500, "retry_after": 0.05, "times": 3}, "server_error", 500, "after 3 attempts"),
        ({"type": "fail", "status": 400, "message": "prompt is too long"}, "bad_request", 400, "prompt is too long"),
        ({"type": "delay", "seconds": 5, "times": 3}, "timeout", None, "did not answer in time"),
        ({"type": "tool_fault", "kind": "malformed_arguments"}, "invalid_answer", None, "are not JSON"),
    ],
    ids=["429", "529", "500", "400", "timeout", "malformed-tool-call"],
)
def test_a_model_failure_fails_the_run_with_its_kind(start_plain_sdk, fault, kind, status, text) -> None:
    system: System = start_plain_sdk(llm_timeout_s=0.5)
    system.emulator.script("openai", fault)

    run = system.wait_finished(system.submit())

    assert run.status == "failed"
    assert isinstance(run.error, RunError)
    assert (run.error.kind, run.error.provider, run.error.status) == (kind, "openai", status), run.error
    assert text in run.error.message


def test_a_plan_that_breaks_its_schema_is_an_invalid_answer(start_plain_sdk) -> None:
    system: System = start_plain_sdk()
    plan(system, [])

    run = system.wait_finished(system.submit())

    assert (run.status, run.error.kind) == ("failed", "invalid_answer")
    assert run.error.message.startswith("the plan does not match its schema"), run.error
    assert run.steps == ()


def test_processes_lists_each_run_process_up_to_the_limit_and_none_outlives_stop(start_plain_sdk) -> None:
    system: System = start_plain_sdk(workers=2)
    system.emulator.script("openai", {"type": "delay", "seconds": 30, "times": 3})
    runs = [system.submit(f"Goal #{number}") for number in range(3)]

    live = wait_for(lambda: len(system.adapter.processes()) == 2 and system.adapter.processes(), 20, "two runs")
    assert {process.name for process in live} <= {f"run-{run_id}" for run_id in runs}
    assert {process.role for process in live} == {"run"}
    assert sorted(system.adapter.run(run_id).status for run_id in runs)[-1] == "pending", "the third run waits"
    system.adapter.stop()

    assert not [process.pid for process in live if _alive(process.pid)]


def test_run_processes_run_on_the_interpreter_the_setting_names(start_plain_sdk, monkeypatch, tmp_path) -> None:
    calls = tmp_path / "calls"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {sys.executable} "$@"\n')
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PLAIN_SDK_PYTHON", str(python))
    system: System = start_plain_sdk()

    run = system.wait_finished(system.submit())

    assert run.status == "succeeded", run.error
    assert calls.read_text().split() == ["-m", "examples.plain_sdk.run", run.id]


def test_it_declares_only_what_it_supports(start_plain_sdk) -> None:
    system: System = start_plain_sdk()

    assert system.adapter.capabilities == {Capability.KILL_WORKER, Capability.USAGE}
    with pytest.raises(NotSupported, match=Capability.PROVIDERS):
        system.submit(provider="anthropic")
    with pytest.raises(NotSupported, match=Capability.DEADLINE):
        system.submit(deadline_s=5)
    with pytest.raises(NotSupported, match="no worker to start"):
        system.adapter.start_worker()
    with pytest.raises(NotSupported, match=Capability.CACHED_STATE):
        system.adapter.cached_run("any")
    assert system.adapter.stored_run("00000000-0000-0000-0000-000000000000") is None
    assert system.adapter.health()["status"] == "ok"


def _a_run_waiting_in_its_first_step(system: System) -> str:
    """A run whose planner answers at once and whose first step's model call hangs; returned once it hangs."""
    for seconds in (0, 30):
        system.emulator.script("openai", {"type": "delay", "seconds": seconds})
    run_id = system.submit()
    wait_for(lambda: not _pending_delays(system), 20, "the first step's model call to start")
    return run_id


def _pending_delays(system: System) -> list[dict]:
    pending = httpx2.get(f"{system.emulator.root_url}/_llmock/scenario", timeout=10).json()["pending"]
    scope = f"*@{system.emulator.scope}"
    return [rule for rule in pending if rule["type"] == "delay" and rule.get("match", {}).get("model") == scope]


def _requests(system: System) -> list[dict]:
    records = httpx2.get(f"{system.emulator.root_url}/_llmock/requests", timeout=10).json()["requests"]
    return [r["body"] for r in records if (r.get("model") or "").endswith(system.emulator.scope)]


def _forced_tool(body: dict) -> str | None:
    return (body.get("tool_choice") or {}).get("function", {}).get("name")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
