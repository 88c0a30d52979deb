"""The error kinds the example adapters read out of their systems' error texts."""

import pytest

from libraries.agent_system.contract import ErrorKind, RunError
from libraries.agent_system.error_kinds import error_from_text


@pytest.mark.parametrize(
    ("text", "kind", "provider", "status"),
    [
        (
            "step 1: OpenAI answered 429 Too Many Requests after 3 attempts (request id n/a): slow down",
            "rate_limited",
            "openai",
            429,
        ),
        (
            "step 2: Anthropic answered 529 error after 3 attempts (request id r1): Overloaded",
            "overloaded",
            "anthropic",
            529,
        ),
        (
            "OpenAI answered 500 Internal Server Error after 3 attempts (request id n/a): boom",
            "server_error",
            "openai",
            500,
        ),
        ("OpenAI answered 400 Bad Request (request id n/a): prompt is too long", "bad_request", "openai", 400),
        ("step 1: OpenAI did not answer within 1 s, 3 attempts (request id n/a)", "timeout", "openai", None),
        ("step 1: OpenAI could not be reached after 3 attempts (request id n/a): reset", "unreachable", "openai", None),
        (
            "step 1: OpenAI the stream ended after 1 chunks without a finish reason (truncated)",
            "invalid_answer",
            "openai",
            None,
        ),
        ("planner: the plan does not match its schema: [] is too short", "invalid_answer", None, None),
        ("the run's deadline of 1 s passed while it was running", "deadline", None, None),
        ("step 2: dead-lettered after 3 deliveries; last error: OpenAI answered 500", "dead_lettered", "openai", None),
        ("cancelled on request", "cancelled", None, None),
        ("something nobody planned for", "unknown", None, None),
    ],
)
def test_a_system_error_text_maps_to_its_kind(text: str, kind: str, provider: str | None, status: int | None) -> None:
    assert error_from_text(text) == RunError(kind, text, provider, status)


def test_no_text_is_no_error() -> None:
    assert error_from_text(None) is None


@pytest.mark.parametrize(
    ("status", "kind"), [(429, "rate_limited"), (529, "overloaded"), (503, "server_error"), (404, "bad_request")]
)
def test_an_http_status_has_a_kind(status: int, kind: str) -> None:
    assert ErrorKind.of_status(status) == kind
