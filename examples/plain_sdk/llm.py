"""Model calls through the official ``openai`` SDK: non-streamed chat completions, counted, priced, classified.

Every call is journaled (``store.LlmCalls``): a row when it starts, its HTTP requests (the SDK's retries
included), tokens and cost when it is answered. A failure becomes a `Failure` naming a kind the kit knows
(``rate_limited``, ``overloaded``, ``server_error``, ``timeout``, ``bad_request``, ``invalid_answer``, ``unknown``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Protocol

import openai

LLM_TIMEOUT_S = 30.0
LLM_RETRIES = 2
"""Retries of the SDK (connection errors, timeouts, 408, 409, 429, 5xx): three attempts in all."""
PER_MILLION = {"gpt-4o-mini": (0.15, 0.60), "gpt-4o": (2.50, 10.00), "gpt-4.1-mini": (0.40, 1.60)}
"""USD per million input and output tokens; a model is priced by its longest known prefix, others cost 0."""


class InvalidAnswer(Exception):
    """The model answered, but not with something the agent can use."""


@dataclass(eq=False)
class Failure(Exception):
    """Why a run failed, as the run's record keeps it."""

    kind: str
    message: str
    provider: str | None = None
    status: int | None = None


class Journal(Protocol):
    def asked(self, agent: str, step: int | None, model: str) -> int: ...
    def answered(self, call: int, requests: int, input_tokens: int, output_tokens: int, cost_usd: float) -> None: ...
    def failed(self, call: int, requests: int, error: str) -> None: ...


class Model:
    """One OpenAI client for the whole run; `ask` makes one chat completion on behalf of an agent."""

    def __init__(self, *, base_url: str, api_key: str, model: str, journal: Journal, timeout_s: float) -> None:
        self.requests = 0
        self.client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout_s,
            max_retries=LLM_RETRIES,
            http_client=openai.DefaultHttpx2Client(event_hooks={"request": [self._count]}),
        )
        self.model = model
        self.journal = journal

    def _count(self, _request: Any) -> None:
        self.requests += 1

    def ask(self, agent: str, step: int | None, messages: list[dict[str, Any]], **options: Any) -> Any:
        """The completion's first choice's message; raises `Failure` when there is no usable answer."""
        call = self.journal.asked(agent, step, self.model)
        before = self.requests
        try:
            completion = self.client.chat.completions.create(model=self.model, messages=messages, **options)
            choice = completion.choices[0]
            if choice.finish_reason == "length":
                raise InvalidAnswer("the answer was cut short (finish reason 'length')")
        except Exception as error:
            failure = classify(error, self.requests - before)
            self.journal.failed(call, self.requests - before, f"{failure.kind}: {failure.message}")
            raise failure from error
        usage = completion.usage
        tokens = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
        self.journal.answered(call, self.requests - before, *tokens, cost_usd(self.model, *tokens))
        return choice.message


def tool_arguments(message: Any, tool: str) -> dict[str, Any]:
    """The arguments of the message's call of ``tool``; `InvalidAnswer` when it did not call it or they do not parse."""
    calls = [call for call in message.tool_calls or [] if call.function.name == tool]
    if not calls:
        named = [call.function.name for call in message.tool_calls or []]
        raise InvalidAnswer(f"expected a call of the tool '{tool}', got {named or 'text'}")
    try:
        arguments = json.loads(calls[0].function.arguments)
    except json.JSONDecodeError as error:
        raise InvalidAnswer(f"the arguments of '{tool}' are not JSON ({error})") from None
    if not isinstance(arguments, dict):
        raise InvalidAnswer(f"the arguments of '{tool}' are not an object")
    return arguments


def classify(error: BaseException, attempts: int) -> Failure:
    """The SDK's exception (or our own) as a `Failure` of a known kind."""
    if isinstance(error, Failure):
        return error
    if isinstance(error, InvalidAnswer):
        return Failure("invalid_answer", str(error), "openai")
    if isinstance(error, json.JSONDecodeError):  # a 200 whose body is not JSON leaks past the SDK
        return Failure("invalid_answer", f"the answer is not JSON ({error})", "openai")
    if isinstance(error, openai.APITimeoutError):
        return Failure("timeout", f"OpenAI did not answer in time after {attempts} attempts", "openai")
    if isinstance(error, openai.APIStatusError):
        status = error.status_code
        return Failure(_kind_of(status, error.body), _answered(status, error, attempts), "openai", status)
    if isinstance(error, openai.APIConnectionError):
        return Failure("unknown", f"OpenAI could not be reached after {attempts} attempts ({error})", "openai")
    return Failure("unknown", f"{type(error).__name__}: {error}")


def _kind_of(status: int, body: Any) -> str:
    if status == 429:
        return "rate_limited"
    if status == 529 or "overloaded" in json.dumps(body or "").lower():
        return "overloaded"
    if status == 408:
        return "timeout"
    if status >= 500:
        return "server_error"
    return "bad_request"


def _answered(status: int, error: openai.APIStatusError, attempts: int) -> str:
    """``OpenAI answered 500 Internal Server Error after 3 attempts (message)``."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "error"
    after = f" after {attempts} attempts" if attempts > 1 else ""
    body = error.body
    message = body.get("message") if isinstance(body, dict) else None
    return f"OpenAI answered {status} {phrase}{after} ({message or error.message})"


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float:
    known = [name for name in PER_MILLION if model.startswith(name)]
    if not known:
        return 0.0
    per_input, per_output = PER_MILLION[max(known, key=len)]
    return (input_tokens * per_input + output_tokens * per_output) / 1_000_000
