"""One clear failure for every way an LLM call can go wrong."""

from __future__ import annotations

import json
import sys
from typing import Any

import httpx2

from libraries.services.providers import LLM_PROVIDERS

PROVIDER_NAMES = {name: provider.title for name, provider in LLM_PROVIDERS.items()}


class LLMError(RuntimeError):
    """An LLM call failed or the library could not do what was asked; the message says what happened."""

    ROBOT_SUPPRESS_NAME = True


class LLMConfigurationError(LLMError):
    """A keyword argument or setting is wrong; the message names it and the fix."""


class LLMBudgetExceeded(LLMError):
    """The run's LLM budget is spent: no further real calls."""


class LLMExpectationFailed(AssertionError):
    """An answer, a cassette or the retries were not what the test expected."""

    ROBOT_SUPPRESS_NAME = True


def _sdk_classes(name: str) -> tuple[type, ...]:
    """``name`` of each SDK that is loaded: a failure can only come from an SDK that made a call, and importing one
    just to compare takes seconds (the SDKs are imported when a connection is opened, not with this library)."""
    return tuple(getattr(sys.modules[sdk], name) for sdk in ("openai", "anthropic") if sdk in sys.modules)


def describe_failure(provider: str, model: str, error: BaseException, request_id: str | None = None) -> str:
    """``OpenAI call to model 'm' failed: status 429 (RateLimitError: ...), request id req_1``."""
    status: int | str = "none"
    if isinstance(error, _sdk_classes("APIStatusError")):
        status = error.status_code
        request_id = error.request_id or request_id
        what = f"{type(error).__name__}: {_status_message(error)}"
    elif isinstance(error, (*_sdk_classes("APITimeoutError"), httpx2.TimeoutException)):
        what = f"timed out waiting for the provider: {type(error).__name__}"
    elif isinstance(error, (*_sdk_classes("APIConnectionError"), httpx2.TransportError)):
        what = f"connection failed or dropped: {type(error).__name__}: {error}"
    elif isinstance(error, json.JSONDecodeError):
        what = f"the provider sent a body that is not valid JSON: {error}"
    else:
        what = f"{type(error).__name__}: {error}"
    return (
        f"{PROVIDER_NAMES.get(provider, provider)} call to model '{model}' failed: status {status} ({what}), "
        f"request id {request_id or 'n/a'}."
    )


def truncated_stream_message(provider: str, model: str, chunks: int, request_id: str | None) -> str:
    return (
        f"{PROVIDER_NAMES.get(provider, provider)} stream from model '{model}' was cut short: status 200, but it "
        f"ended after {chunks} chunks without a finish reason or terminator, request id {request_id or 'n/a'}. "
        "The answer is truncated."
    )


def is_call_failure(error: BaseException) -> bool:
    """True for the failures that leak out of the SDKs as well as their own exception classes."""
    sdk_errors = tuple(
        getattr(sys.modules[sdk], name)
        for sdk, name in (("openai", "OpenAIError"), ("anthropic", "AnthropicError"))
        if sdk in sys.modules
    )
    return isinstance(error, (*sdk_errors, httpx2.HTTPError, httpx2.StreamError, json.JSONDecodeError))


def _status_message(error: Any) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(error.message)
