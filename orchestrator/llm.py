"""Model calls through the official OpenAI and Anthropic SDKs; each SDK is imported only when first used.

Retryable errors (connection errors, timeouts, 408/409/429/5xx) are retried by the SDKs themselves
(``ORCH_LLM_MAX_RETRIES``); whatever is left becomes an `LLMFailure` with one clear reason naming the provider,
the status and the request id.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from typing import Any

from . import defects as seeded
from .defects import Defects
from .pricing import cost_usd
from .settings import Settings

PROVIDER_NAMES = {"openai": "OpenAI", "anthropic": "Anthropic"}
MAX_TOKENS = 1024
RETRIED_STATUSES = {408, 409, 429}


class LLMFailure(Exception):
    """A model call that failed for good: the reason is one sentence, safe to store and show."""

    def __init__(self, reason: str, call: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.call = call


@dataclass
class Answer:
    text: str
    call: dict[str, Any]
    """What `store.record_call` keeps: provider, model, request id, tokens, cost, latency."""


_PREBUILT: dict[tuple, Any] = {}
"""SDK clients built ahead of a fork by `prebuild_clients`, by the provider settings they were built with."""


def prebuild_clients(settings: Settings) -> None:
    """Builds each configured provider's SDK client in a process that is about to fork its agents.

    A client costs tens of milliseconds to build (HTTP transport, TLS context, resource objects). A forked agent whose
    provider settings are the same takes the inherited one instead. No request is made here, so an inherited client
    holds no connection and no thread.
    """
    models = Models(settings)
    for provider, provider_settings in settings.providers.items():
        if provider_settings.api_key:
            client = models._new_client(provider)
            _ = client.chat.completions if provider == "openai" else client.messages
            _PREBUILT[models._client_key(provider)] = client


class Models:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.defects = Defects(settings.defects)
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def warm_up(self, provider: str) -> None:
        """Imports the provider's SDK ahead of the first call (the import takes about a second)."""
        with contextlib.suppress(LLMFailure):
            self._client(provider)

    def structured(self, provider: str, model: str, system: str, prompt: str, schema: dict[str, Any]) -> Answer:
        """A JSON answer: OpenAI's json_schema response format; an Anthropic tool the model must call."""
        response_format = {"type": "json_schema", "json_schema": {"name": "plan", "schema": schema, "strict": True}}
        tool = {"name": "submit_plan", "description": "Submit the plan.", "input_schema": schema}
        return self._ask(
            provider,
            model,
            system,
            prompt,
            openai_options={"response_format": response_format},
            anthropic_options={"tools": [tool], "tool_choice": {"type": "tool", "name": "submit_plan"}},
        )

    def text(self, provider: str, model: str, system: str, prompt: str) -> Answer:
        return self._ask(provider, model, system, prompt)

    def streamed_text(self, provider: str, model: str, system: str, prompt: str) -> Answer:
        """A streamed answer, read whole; a stream that ends without its finish reason is a failure."""
        return self._ask(provider, model, system, prompt, stream=True)

    def _ask(
        self,
        provider: str,
        model: str,
        system: str,
        prompt: str,
        *,
        stream: bool = False,
        openai_options: dict[str, Any] | None = None,
        anthropic_options: dict[str, Any] | None = None,
    ) -> Answer:
        client = self._client(provider)
        accept_truncated = self.defects.accepts_truncated_stream()
        if provider == "openai":
            options = dict(openai_options or {})
            if stream:
                options.update(stream=True, stream_options={"include_usage": True})
            messages = _openai_messages(system, prompt)
            return self._call(
                provider,
                model,
                lambda: client.chat.completions.create(model=model, messages=messages, **options),
                partial(_openai_stream_result, accept_truncated=accept_truncated) if stream else _openai_result,
            )
        options = dict(anthropic_options or {})
        if stream:
            options.update(stream=True)
        messages = [{"role": "user", "content": prompt}]
        return self._call(
            provider,
            model,
            lambda: client.messages.create(
                model=model, system=system, max_tokens=MAX_TOKENS, messages=messages, **options
            ),
            partial(_anthropic_stream_result, accept_truncated=accept_truncated) if stream else _anthropic_result,
        )

    def _client(self, provider: str) -> Any:
        with self._lock:
            if provider not in self._clients:
                self._clients[provider] = self._with_seeded_retries(self._new_client(provider))
            return self._clients[provider]

    def _with_seeded_retries(self, client: Any) -> Any:
        """The SDK's own retry rule, changed only by the seeded defect `no_retry_on_429`."""
        if seeded.NO_RETRY_ON_429 not in self.defects:
            return client
        client = client.with_options()  # a copy: a prebuilt client is shared with other processes' settings
        decide = client._should_retry
        client._should_retry = lambda response: self.defects.retries_status(response.status_code, decide(response))
        return client

    def _client_key(self, provider: str) -> tuple:
        settings = self.settings.providers[provider]
        return (provider, settings.api_key, settings.base_url, self.settings.llm_timeout, self.settings.llm_max_retries)

    def _new_client(self, provider: str) -> Any:
        prebuilt = _PREBUILT.get(self._client_key(provider))
        if prebuilt is not None:
            return prebuilt
        settings = self.settings.providers[provider]
        if not settings.api_key:
            name = provider.upper()
            raise LLMFailure(f"{PROVIDER_NAMES[provider]} has no API key: set ORCH_{name}_API_KEY or {name}_API_KEY.")
        options = {
            "api_key": settings.api_key,
            "base_url": settings.base_url,
            "timeout": self.settings.llm_timeout,
            "max_retries": self.settings.llm_max_retries,
        }
        if provider == "openai":
            import openai

            return openai.OpenAI(**options)
        import anthropic

        return anthropic.Anthropic(**options)

    def _call(self, provider: str, model: str, send: Callable[[], Any], read: Callable[[Any], tuple]) -> Answer:
        started = time.monotonic()
        call = {
            "provider": provider,
            "model": model,
            "request_id": None,
            "input_tokens": 0,
            "output_tokens": 0,
            "cost_usd": 0.0,
            "latency_ms": 0,
            "error": None,
        }
        try:
            response = self._send(send, started)
            call["request_id"] = _request_id(response)
            text, input_tokens, output_tokens = read(response)
        except Exception as error:
            call["latency_ms"] = int((time.monotonic() - started) * 1000)
            call["request_id"] = call["request_id"] or getattr(error, "request_id", None)
            call["error"] = self._reason(provider, error, call["request_id"])
            raise LLMFailure(call["error"], call) from None
        call.update(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=cost_usd(call["model"], input_tokens, output_tokens),
            latency_ms=int((time.monotonic() - started) * 1000),
        )
        return Answer(text, call)

    def _send(self, send: Callable[[], Any], started: float) -> Any:
        """One SDK call (which retries by itself); the seeded defect `retry_overloaded_forever` adds a loop."""
        while True:
            try:
                return send()
            except Exception as error:
                status = getattr(error, "status_code", None)
                bounded = time.monotonic() - started > seeded.OVERLOADED_RETRY_BOUND_S
                if bounded or not self.defects.retries_overloaded_without_bound(status):
                    raise
                time.sleep(seeded.OVERLOADED_RETRY_PAUSE_S)

    def _reason(self, provider: str, error: Exception, request_id: str | None) -> str:
        name = PROVIDER_NAMES[provider]
        ident = f"request id {request_id or 'n/a'}"
        attempts = self.settings.llm_max_retries + 1
        status = getattr(error, "status_code", None)
        if isinstance(error, LLMFailure):
            return error.reason
        if isinstance(error, TruncatedStream):
            return f"{name} {error} ({ident})"
        if isinstance(status, int):
            phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "error"
            retried = status in RETRIED_STATUSES or status >= 500
            after = f" after {attempts} attempts" if retried and attempts > 1 else ""
            return f"{name} answered {status} {phrase}{after} ({ident}): {_message(error)}"
        kind = type(error).__name__
        if kind in {"APITimeoutError"}:
            return f"{name} did not answer within {self.settings.llm_timeout:g} s, {attempts} attempts ({ident})"
        if kind in {"APIConnectionError"}:
            return f"{name} could not be reached after {attempts} attempts ({ident}): {error.__cause__ or error}"
        return f"{name} call broke ({ident}): {kind}: {str(error)[:300]}"


class TruncatedStream(Exception):
    pass


def _openai_messages(system: str, prompt: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system}, {"role": "user", "content": prompt}]


def _request_id(response: Any) -> str | None:
    request_id = getattr(response, "_request_id", None)
    if request_id:
        return request_id
    headers = getattr(getattr(response, "response", None), "headers", None) or {}
    return headers.get("x-request-id") or headers.get("request-id")


def _openai_result(completion: Any) -> tuple[str, int, int]:
    usage = completion.usage
    return completion.choices[0].message.content or "", usage.prompt_tokens, usage.completion_tokens


def _anthropic_result(message: Any) -> tuple[str, int, int]:
    tool_inputs = [block.input for block in message.content if block.type == "tool_use"]
    text = (
        json.dumps(tool_inputs[0])
        if tool_inputs
        else "".join(block.text for block in message.content if block.type == "text")
    )
    return text, message.usage.input_tokens, message.usage.output_tokens


def _openai_stream_result(stream: Iterable[Any], *, accept_truncated: bool = False) -> tuple[str, int, int]:
    parts, finish, usage, chunks = [], None, None, 0
    with stream:
        for chunk in stream:
            chunks += 1
            usage = chunk.usage or usage
            for choice in chunk.choices:
                parts.append(choice.delta.content or "")
                finish = choice.finish_reason or finish
    if finish is None and not accept_truncated:
        raise TruncatedStream(f"the stream ended after {chunks} chunks without a finish reason (truncated)")
    return "".join(parts), usage.prompt_tokens if usage else 0, usage.completion_tokens if usage else 0


def _anthropic_stream_result(stream: Iterable[Any], *, accept_truncated: bool = False) -> tuple[str, int, int]:
    parts, stop, input_tokens, output_tokens, events = [], None, 0, 0, 0
    with stream:
        for event in stream:
            events += 1
            if event.type == "message_start":
                input_tokens = event.message.usage.input_tokens
            elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                parts.append(event.delta.text)
            elif event.type == "message_delta":
                stop = event.delta.stop_reason or stop
                output_tokens = event.usage.output_tokens
    if stop is None and not accept_truncated:
        raise TruncatedStream(f"the stream ended after {events} events without a stop reason (truncated)")
    return "".join(parts), input_tokens, output_tokens


def _message(error: Exception) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        detail = body.get("error", body)
        if isinstance(detail, dict) and detail.get("message"):
            return str(detail["message"])[:300]
    return str(getattr(error, "message", error))[:300]
