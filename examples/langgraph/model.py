"""The agents' model calls: ``ChatOpenAI`` with the run's model, streamed, journaled, priced; failures described.

A streamed answer that ends without a finish reason (a truncated stream) is a failure, not an answer.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Protocol

from langchain_core.messages import BaseMessage
from langchain_openai import ChatOpenAI

LLM_TIMEOUT_S = 30.0
LLM_RETRIES = 2
"""Retries of the OpenAI SDK (429, 408, 409 and 5xx, honouring retry-after): three attempts in all."""
RETRIED = {408, 409, 429}

PER_MILLION = {"gpt-4o-mini": (0.15, 0.60), "gpt-4o": (2.50, 10.00), "gpt-4.1-mini": (0.40, 1.60)}
"""USD per million input and output tokens; a model is priced by its longest known prefix, others cost 0."""


class ModelError(RuntimeError):
    """A model call failed; the message names the node and the provider's answer."""


class CallJournal(Protocol):
    """Where model calls are recorded (``store.LlmCalls``)."""

    def asked(self, run_id: str, node: str, model: str) -> int: ...
    def answered(self, call_id: int, input_tokens: int, output_tokens: int, cost_usd: float) -> None: ...
    def failed(self, call_id: int, error: str) -> None: ...


class Models:
    """Asks the run's model on behalf of one node and records the call before and after."""

    def __init__(self, *, base_url: str, api_key: str, calls: CallJournal) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.calls = calls

    def ask(self, run_id: str, node: str, model: str, messages: list[BaseMessage]) -> str:
        llm = ChatOpenAI(
            model=model,
            base_url=self.base_url,
            api_key=self.api_key,
            timeout=LLM_TIMEOUT_S,
            max_retries=LLM_RETRIES,
            streaming=True,
            stream_usage=True,
        )
        call = self.calls.asked(run_id, node, model)
        try:
            answer = llm.invoke(messages)
            if not answer.response_metadata.get("finish_reason"):
                raise ModelError("the stream ended without a finish reason (truncated)")
        except Exception as error:
            self.calls.failed(call, describe(error))
            raise ModelError(f"{node}: {describe(error)}") from error
        usage = answer.usage_metadata or {}
        tokens = usage.get("input_tokens", 0), usage.get("output_tokens", 0)
        self.calls.answered(call, *tokens, cost_usd(model, *tokens))
        return str(answer.content)


def describe(error: BaseException) -> str:
    """``OpenAI answered 500 Internal Server Error after 3 attempts (message)`` for an API error, else its text."""
    if isinstance(error, ModelError):
        return str(error)
    status = getattr(error, "status_code", None)
    if status is None:
        return f"{type(error).__name__}: {error}"
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "error"
    after = f" after {LLM_RETRIES + 1} attempts" if status in RETRIED or status >= 500 else ""
    body = getattr(error, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    return f"OpenAI answered {status} {phrase}{after} ({message or error})"


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float:
    known = [name for name in PER_MILLION if model.startswith(name)]
    if not known:
        return 0.0
    per_input, per_output = PER_MILLION[max(known, key=len)]
    return (input_tokens * per_input + output_tokens * per_output) / 1_000_000
