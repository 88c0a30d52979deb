"""The two official SDKs behind one call shape. Each adapter fills a CallRecord or raises what the SDK raised."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import anthropic
    import openai

from .errors import LLMConfigurationError
from .pricing import usage_from_anthropic, usage_from_openai
from .records import CallRecord, LLMRequest, ToolCall


class _Clock:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first_token: float | None = None

    def token(self) -> None:
        if self.first_token is None:
            self.first_token = time.perf_counter() - self.started

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


class _Adapter:
    """Runs one call through an SDK's raw-response API; subclasses build arguments and read answers."""

    request_id_header = ""

    def __init__(self, client: Any, *, emulated: bool) -> None:
        self.client = client
        self.emulated = emulated

    def call(self, wire_model: str, request: LLMRequest, record: CallRecord, options: dict[str, Any]) -> None:
        clock = _Clock()
        raw = self._create(self.client.with_options(**options), self._arguments(wire_model, request))
        record.request_id = raw.headers.get(self.request_id_header)
        record.retries = raw.retries_taken
        if request.stream:
            self._read_stream(raw.parse(), record, clock)
        else:
            answer = raw.parse()
            clock.token()
            self._read_answer(answer, record)
        record.latency_s = clock.elapsed()
        record.time_to_first_token_s = clock.first_token

    def _create(self, client: Any, arguments: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _arguments(self, wire_model: str, request: LLMRequest) -> dict[str, Any]:
        raise NotImplementedError

    def _read_answer(self, answer: Any, record: CallRecord) -> None:
        raise NotImplementedError

    def _read_stream(self, stream: Any, record: CallRecord, clock: _Clock) -> None:
        raise NotImplementedError


class OpenAIAdapter(_Adapter):
    request_id_header = "x-request-id"

    def _create(self, client: openai.OpenAI, arguments: dict[str, Any]) -> Any:
        return client.chat.completions.with_raw_response.create(**arguments)

    def _read_answer(self, completion: Any, record: CallRecord) -> None:
        choice = completion.choices[0]
        record.text = choice.message.content or choice.message.refusal or ""
        calls = choice.message.tool_calls or []
        record.tool_calls = [ToolCall(c.function.name, c.function.arguments, c.id) for c in calls]
        record.finish_reason = choice.finish_reason
        record.usage = usage_from_openai(completion.usage)
        record.response_id = completion.id

    def _arguments(self, wire_model: str, request: LLMRequest) -> dict[str, Any]:
        messages = ([{"role": "system", "content": request.system}] if request.system else []) + request.messages
        arguments: dict[str, Any] = {
            "model": wire_model,
            "messages": messages,
            "max_completion_tokens": request.max_tokens,
        }
        if request.temperature is not None:
            arguments["temperature"] = request.temperature
        if request.tools:
            arguments["tools"] = [{"type": "function", "function": tool} for tool in request.tools]
        if request.schema is not None:
            arguments["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": request.schema},
            }
        if request.stream:
            arguments["stream"] = True
            arguments["stream_options"] = {"include_usage": True}
        return arguments

    def _read_stream(self, stream: Any, record: CallRecord, clock: _Clock) -> None:
        record.stream = True
        parts: list[str] = []
        calls: dict[int, ToolCall] = {}
        for chunk in stream:
            record.chunks += 1
            record.response_id = record.response_id or chunk.id
            if chunk.usage is not None:
                record.usage = usage_from_openai(chunk.usage)
            for choice in chunk.choices:
                if choice.delta.content:
                    clock.token()
                    parts.append(choice.delta.content)
                for delta in choice.delta.tool_calls or []:
                    clock.token()
                    call = calls.setdefault(delta.index, ToolCall("", "", ""))
                    call.id = delta.id or call.id
                    call.name = (delta.function.name if delta.function else None) or call.name
                    call.arguments += (delta.function.arguments if delta.function else None) or ""
                record.finish_reason = choice.finish_reason or record.finish_reason
        record.text = "".join(parts)
        record.tool_calls = [calls[index] for index in sorted(calls)]


class AnthropicAdapter(_Adapter):
    request_id_header = "request-id"

    def _create(self, client: anthropic.Anthropic, arguments: dict[str, Any]) -> Any:
        return client.messages.with_raw_response.create(**arguments)

    def _read_answer(self, message: Any, record: CallRecord) -> None:
        record.text = "".join(block.text for block in message.content if block.type == "text")
        uses = [block for block in message.content if block.type == "tool_use"]
        record.tool_calls = [ToolCall(block.name, json.dumps(block.input), block.id) for block in uses]
        record.finish_reason = message.stop_reason
        record.usage = usage_from_anthropic(message.usage)
        record.response_id = message.id

    def _arguments(self, wire_model: str, request: LLMRequest) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "model": wire_model,
            "messages": request.messages,
            "max_tokens": request.max_tokens,
        }
        if request.system:
            arguments["system"] = request.system
        if request.temperature is not None:
            raise LLMConfigurationError(
                "temperature is not a parameter of the Anthropic Messages API in the pinned SDK: leave it unset."
            )
        if request.tools:
            arguments["tools"] = [
                {"name": t["name"], "description": t.get("description", ""), "input_schema": t["parameters"]}
                for t in request.tools
            ]
        if request.schema is not None:
            output_format = {"type": "json_schema", "schema": request.schema}
            arguments["output_config"] = {"format": output_format}
            if self.emulated:
                # llmock 0.2.2 reads the structured-output schema from the older top-level field only.
                arguments["extra_body"] = {"output_format": output_format}
        if request.stream:
            arguments["stream"] = True
        return arguments

    def _read_stream(self, stream: Any, record: CallRecord, clock: _Clock) -> None:
        record.stream = True
        parts: list[str] = []
        calls: dict[int, ToolCall] = {}
        stopped = False
        input_usage: Any = None
        for event in stream:
            record.chunks += 1
            if event.type == "message_start":
                record.response_id = event.message.id
                input_usage = event.message.usage
                record.usage = usage_from_anthropic(input_usage)
            elif event.type == "content_block_start" and event.content_block.type == "tool_use":
                calls[event.index] = ToolCall(event.content_block.name, "", event.content_block.id)
            elif event.type == "content_block_delta":
                clock.token()
                if event.delta.type == "text_delta":
                    parts.append(event.delta.text)
                elif event.delta.type == "input_json_delta":
                    calls[event.index].arguments += event.delta.partial_json
            elif event.type == "message_delta":
                record.finish_reason = event.delta.stop_reason
                record.usage = usage_from_anthropic(_merged_usage(input_usage, event.usage))
            elif event.type == "message_stop":
                stopped = True
        record.text = "".join(parts)
        record.tool_calls = [calls[index] for index in sorted(calls)]
        if not stopped:
            record.finish_reason = None


def _merged_usage(start: Any, delta: Any) -> SimpleNamespace:
    """message_delta carries the output count; input counts come from message_start unless repeated."""
    names = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
    merged = {name: getattr(delta, name, None) or getattr(start, name, None) or 0 for name in names}
    return SimpleNamespace(**merged, output_tokens=getattr(delta, "output_tokens", None) or 0)
