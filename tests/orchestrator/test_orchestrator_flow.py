"""A goal becomes a plan, steps and a final answer, on both providers; usage and cost are recorded."""

from __future__ import annotations

import pytest

from .harness import System


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_goal_becomes_plan_steps_and_final_answer(start_system, provider: str) -> None:
    system: System = start_system()
    system.emulator.plan(provider, "Count the words", ("Add the numbers", "calculator", "2 + 3 * 4"), "Compare")
    system.emulator.script(provider, {"type": "reply", "text": "The final answer is 14."}, stream=False, tools=False)

    run = system.wait_finished(system.submit("Add up the numbers", provider=provider))

    assert run.status == "succeeded", run.error
    assert run.result == "The final answer is 14."
    assert [step.status for step in run.steps] == ["succeeded"] * 3
    assert [step.applied for step in run.steps] == [1, 1, 1]
    assert run.llm_calls == 5  # plan + three steps + final answer
    assert run.input_tokens > 0 and run.output_tokens > 0
    assert run.cost_usd > 0


def test_the_calculator_result_reaches_the_step_prompt(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.plan("openai", ("Multiply", "calculator", "6 * 7"))

    run = system.wait_finished(system.submit())

    assert run.status == "succeeded", run.error
    prompts = _journal_prompts(system, "openai")
    assert any("The calculator tool gave: 42" in prompt for prompt in prompts), prompts


def _journal_prompts(system: System, provider: str) -> list[str]:
    import httpx2

    records = httpx2.get(f"{system.emulator.root_url}/_llmock/requests", timeout=10).json()["requests"]
    return [str(r.get("body") or r) for r in records if (r.get("model") or "").endswith(system.emulator.scope)]
