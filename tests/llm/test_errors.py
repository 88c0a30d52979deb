"""Every way a call fails becomes one line naming provider, model, status and request id: real SDKs, real emulator."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from robot.api.exceptions import SkipExecution
from robot.api.types import Secret

from libraries.llm_library import LLMConfigurationError, LLMError, StreamBreak
from libraries.llm_library.emulator import EmulatorControl
from libraries.llm_library.errors import describe_failure

NAMES = {"openai": "OpenAI", "anthropic": "Anthropic"}
BOTH = pytest.mark.parametrize("provider", ["openai", "anthropic"])


@BOTH
def test_exhausted_retries_name_provider_model_status_and_request_id(library, provider):
    library.connect_to_llm(provider, max_retries=1)
    library.llm_will_fail(503, times=2, retry_after=timedelta(milliseconds=50))
    with pytest.raises(LLMError) as failure:
        library.ask_llm("hello")
    assert str(failure.value).startswith(f"{NAMES[provider]} call to model '")
    assert "failed: status 503 (" in str(failure.value)
    assert str(failure.value).endswith("request id n/a.")
    assert library.get_llm_request_count() == 2


def test_an_overloaded_anthropic_names_the_sdk_error(library):
    library.connect_to_llm("anthropic", max_retries=0)
    library.llm_will_fail(529)
    with pytest.raises(LLMError, match=r"status 529 \(OverloadedError: Service overloaded\.\)"):
        library.ask_llm("hello")


@BOTH
def test_a_timeout_is_reported_as_a_timeout(library, provider):
    library.connect_to_llm(provider, timeout=timedelta(milliseconds=300), max_retries=0)
    library.llm_will_answer_slowly(timedelta(seconds=3))
    with pytest.raises(LLMError, match=r"status none \(timed out waiting for the provider"):
        library.ask_llm("hello")


@BOTH
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (StreamBreak.truncate, r"cut short: status 200, but it ended after \d+ chunks without a finish reason"),
        (StreamBreak.disconnect, r"status none \(connection failed or dropped"),
        (StreamBreak.malformed, r"status none \(the provider sent a body that is not valid JSON"),
    ],
)
def test_each_broken_stream_fails_instead_of_returning_part_of_an_answer(library, provider, kind, expected):
    library.connect_to_llm(provider)
    library.llm_stream_will_break(kind, after_chunks=3)
    with pytest.raises(LLMError, match=expected):
        library.stream_llm_answer("Tell me a story about a lighthouse keeper.")
    assert library.state.last is None


def test_a_stalled_stream_fails_at_the_read_timeout(library):
    library.connect_to_llm("anthropic")
    library.llm_stream_will_break(StreamBreak.stall, after_chunks=2, stall=timedelta(seconds=10))
    with pytest.raises(LLMError, match=r"Anthropic call to model '.*' failed: status none \(timed out"):
        library.stream_llm_answer("Tell me a story.", timeout=timedelta(milliseconds=500))


def test_a_key_echoed_by_the_provider_never_reaches_the_failure(library, emulator_url):
    """The real-provider path (a key and a base URL) against a 401 that quotes the key back, as OpenAI does."""
    key = f"sk-canary-{uuid.uuid4().hex}"
    model = f"gpt-4o-mini-{uuid.uuid4().hex[:8]}"
    EmulatorControl(emulator_url)._send(
        "POST",
        "/_llmock/scenario",
        json={
            "behaviors": [
                {
                    "type": "fail",
                    "status": 401,
                    "message": f"Incorrect API key provided: {key}.",
                    "match": {"model": model},
                }
            ]
        },
    )
    library.connect_to_llm("openai", model=model, api_key=Secret(key), base_url=f"{emulator_url}/v1")
    with pytest.raises(LLMError) as failure:
        library.ask_llm("hello")
    assert "status 401 (AuthenticationError: Incorrect API key provided: ***.)" in str(failure.value)
    assert key not in str(failure.value)


def test_an_unknown_exception_keeps_its_class_name():
    assert describe_failure("openai", "m", KeyError("x"), "req_1") == (
        "OpenAI call to model 'm' failed: status none (KeyError: 'x'), request id req_1."
    )


def test_scripting_against_a_real_connection_skips_with_the_reason(library, emulator_url):
    library.connect_to_llm("openai", api_key=Secret("sk-fake-for-skip"), base_url=f"{emulator_url}/v1")
    with pytest.raises(SkipExecution, match="Needs the LLM emulator: connection 'default' talks to the real OpenAI"):
        library.llm_will_fail(429)


def test_a_plain_text_key_is_refused_without_echoing_it(library):
    with pytest.raises(LLMConfigurationError, match="api_key must be a Secret") as failure:
        library.connect_to_llm("openai", api_key="sk-plain-text")
    assert "sk-plain-text" not in str(failure.value)


def test_temperature_on_anthropic_is_refused_before_sending(library):
    library.connect_to_llm("anthropic")
    with pytest.raises(LLMConfigurationError, match="temperature is not a parameter of the Anthropic Messages API"):
        library.ask_llm("hello", temperature=0.2)
    assert library.get_llm_request_count() == 0


def test_an_unreachable_emulator_is_named_without_its_password():
    masked = r"The LLM emulator at http://qa:\*\*\*@127\.0\.0\.1:9 did not answer"
    with pytest.raises(LLMError, match=masked) as failure:
        EmulatorControl("http://qa:s3cret@127.0.0.1:9").requests(provider="openai", scope="any")
    assert "s3cret" not in str(failure.value)
