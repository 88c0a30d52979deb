"""Scripts and journal reads of one suite or test never touch another's, on the one shared emulator."""

from __future__ import annotations

from datetime import timedelta

from libraries.llm_library import LLMLibrary


def test_a_script_reaches_only_the_test_that_queued_it(library, llm_runtime):
    neighbour = LLMLibrary()
    neighbour.state.start_test()
    library.connect_to_llm("openai")
    neighbour.connect_to_llm("openai")
    try:
        library.llm_will_answer("scripted for the first suite")
        assert neighbour.ask_llm("hello") != "scripted for the first suite"
        assert library.ask_llm("hello") == "scripted for the first suite"
        assert library.get_llm_request_count() == 1
        assert neighbour.get_llm_request_count() == 1
    finally:
        neighbour.state.close_all()


def test_a_script_left_over_by_one_test_does_not_reach_the_next(library):
    library.connect_to_llm("anthropic")
    library.llm_will_fail(500, times=5)
    library.state.start_test()
    assert library.ask_llm("hello")
    assert library.get_last_llm_retry_count() == 0
    assert library.get_llm_request_count() == 1


def test_scripts_of_one_provider_leave_the_other_alone(library):
    library.connect_to_llm("openai", alias="openai")
    library.connect_to_llm("anthropic", alias="anthropic")
    library.llm_will_answer("only for anthropic", alias="anthropic")
    assert library.ask_llm("hello", alias="openai") != "only for anthropic"
    assert library.ask_llm("hello", alias="anthropic") == "only for anthropic"


def test_retry_after_check_measures_the_real_gaps(library):
    library.connect_to_llm("openai")
    library.llm_will_fail(429, times=2, retry_after=timedelta(milliseconds=300))
    library.ask_llm("hello")
    requests = library.get_llm_requests()
    assert [r["status"] for r in requests] == [429, 429, 200]
    assert [r["sdk_retry_count"] for r in requests] == [0, 1, 2]
    library.llm_retries_should_honour_retry_after()
