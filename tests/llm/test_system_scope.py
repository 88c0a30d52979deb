"""A system under test on the emulator's scoped base URLs: the kit's scripts reach every call it makes, whatever
model it names, and its calls are counted apart from the kit's own."""

from __future__ import annotations

from datetime import timedelta

import anthropic
import httpx2
import openai
import pytest

from libraries.llm_library.emulator import EmulatorControl


def openai_client(emulator_url: str, scope: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=EmulatorControl(emulator_url).openai_base_url(scope), api_key="test", max_retries=0)


def anthropic_client(emulator_url: str, scope: str) -> anthropic.Anthropic:
    base_url = EmulatorControl(emulator_url).anthropic_base_url(scope)
    return anthropic.Anthropic(base_url=base_url, api_key="test", max_retries=0)


def ask_openai(client: openai.OpenAI, model: str = "a-model-of-its-own", **options) -> str:
    answer = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}], **options)
    return answer.choices[0].message.content


def test_a_system_that_names_its_own_model_gets_the_scripts_of_its_scope(library, emulator_url):
    library.connect_to_llm("openai", alias="openai")
    library.connect_to_llm("anthropic", alias="anthropic")
    scope = library.state.open_system_scope("a system")
    library.llm_will_answer("scripted for the system", alias="openai")
    library.llm_will_answer("scripted for the system too", alias="anthropic")

    assert ask_openai(openai_client(emulator_url, scope)) == "scripted for the system"
    message = anthropic_client(emulator_url, scope).messages.create(
        model="claude-of-its-own", max_tokens=20, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.content[0].text == "scripted for the system too"
    assert library.get_llm_request_count(alias="openai") == 1
    assert library.get_llm_request_count(alias="anthropic") == 1


def test_a_fault_for_the_system_reaches_a_call_that_does_not_stream(library, emulator_url):
    library.connect_to_llm("openai")
    scope = library.state.open_system_scope("a system")
    library.llm_will_fail(503)

    with pytest.raises(openai.InternalServerError):
        ask_openai(openai_client(emulator_url, scope))


def test_the_kit_s_own_calls_keep_their_test_scope_while_a_system_runs(library, emulator_url):
    library.connect_to_llm("openai")
    scope = library.state.open_system_scope("a system")
    library.llm_will_answer("for the system only")

    assert library.ask_llm("hello") != "for the system only"
    assert ask_openai(openai_client(emulator_url, scope)) == "for the system only"


def test_a_model_that_already_names_a_scope_keeps_it(library, emulator_url):
    library.connect_to_llm("openai")
    library.llm_will_answer("for the test scope")
    system_scope = library.state.open_system_scope("a system")

    client = openai_client(emulator_url, system_scope)
    assert ask_openai(client, model=f"gpt-4o-mini@{library.state.scope}") == "for the test scope"


def test_the_next_test_starts_without_the_scripts_and_requests_of_the_last(library, emulator_url):
    library.connect_to_llm("openai")
    scope = library.state.open_system_scope("a system")
    client = openai_client(emulator_url, scope)
    library.llm_will_fail(429, retry_after=timedelta(milliseconds=100))
    with pytest.raises(openai.RateLimitError):
        ask_openai(client)
    library.llm_will_answer("left over by the first test")

    library.state.start_test()

    assert ask_openai(client) != "left over by the first test"
    assert [request["status"] for request in library.get_llm_requests()] == [200]


def test_dropping_one_scope_s_scripts_leaves_the_others(library, emulator_url):
    library.connect_to_llm("openai")
    control = EmulatorControl(emulator_url)
    library.llm_will_answer("kept for the test scope")
    scope = library.state.open_system_scope("a system")
    library.llm_will_answer("dropped with the system's scope")

    control.drop_scripts(scope)

    assert ask_openai(openai_client(emulator_url, scope)) != "dropped with the system's scope"
    assert library.ask_llm("hello") == "kept for the test scope"


def test_the_emulator_counts_a_scope_s_calls_tokens_and_faults(library, emulator_url):
    library.connect_to_llm("openai")
    scope = library.state.open_system_scope("a system")
    client = openai_client(emulator_url, scope)
    library.llm_will_fail(500)
    with pytest.raises(openai.InternalServerError):
        ask_openai(client)
    ask_openai(client)
    stream = client.chat.completions.create(
        model="a-model-of-its-own",
        messages=[{"role": "user", "content": "tell me more"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    streamed_usage = [chunk.usage for chunk in stream if chunk.usage][-1]

    (row,) = EmulatorControl(emulator_url).figures(scope)

    assert (row["provider"], row["model"], row["calls"], row["faults"]) == ("openai", "a-model-of-its-own", 3, 1)
    assert row["output_tokens"] >= streamed_usage.completion_tokens > 0


def test_the_scope_s_requests_leave_out_other_scopes(library, emulator_url):
    library.connect_to_llm("openai")
    library.ask_llm("the kit's own call")
    scope = library.state.open_system_scope("a system")
    ask_openai(openai_client(emulator_url, scope))

    answer = httpx2.get(f"{emulator_url}/_emulator/scopes/{scope}/requests", timeout=10).json()

    assert [record["model"] for record in answer["requests"]] == [f"a-model-of-its-own@{scope}"]
