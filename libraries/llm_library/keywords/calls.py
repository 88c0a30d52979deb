from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api.deco import keyword

from ..errors import PROVIDER_NAMES, LLMConfigurationError, LLMExpectationFailed
from ..records import CallRecord, LLMRequest
from ..rubric import parse_json, schema_errors
from .base import LLMComponent, integer_expected, load_json_argument


class CallKeywords(LLMComponent):
    @keyword("Ask LLM")
    def ask_llm(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_tokens: int = 256,
        temperature: float | None = None,
        timeout: timedelta | None = None,
        max_retries: int | None = None,
        alias: str | None = None,
    ) -> str:
        """Sends one user ``prompt`` and returns the answer text.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        one read of the answer (the SDK's read timeout). ``timeout`` and ``max_retries`` override the connection's
        values for this call only. ``temperature`` is OpenAI only (the pinned Anthropic SDK has no such
        parameter). Provider, model, latency, tokens, cost and request id of the call are logged.

        Example:
        | ${answer} = | Ask LLM | What is the capital of France? | system=Answer in one word. |
        | Ask LLM | Hello | timeout=500ms | max_retries=0 |
        """
        request = LLMRequest([_user(prompt)], system, max_tokens, temperature)
        return self._call(request, alias, timeout, max_retries).text

    @keyword("Chat With LLM")
    def chat_with_llm(
        self,
        messages: list[dict[str, Any]],
        *,
        system: str | None = None,
        max_tokens: int = 256,
        temperature: float | None = None,
        timeout: timedelta | None = None,
        max_retries: int | None = None,
        alias: str | None = None,
    ) -> str:
        """Sends a conversation (``role`` ``user`` / ``assistant`` and ``content`` per item), returns the answer.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        one read of the answer (the SDK's read timeout); ``timeout`` and ``max_retries`` default to the
        connection's.

        Example:
        | VAR | &{first} | role=user | content=My name is Ada. |
        | VAR | &{reply} | role=assistant | content=Hello Ada. |
        | VAR | &{second} | role=user | content=What is my name? |
        | ${answer} = | Chat With LLM | ${{[$first, $reply, $second]}} |
        """
        turns = [_turn(item, index) for index, item in enumerate(messages)]
        request = LLMRequest(turns, system, max_tokens, temperature)
        return self._call(request, alias, timeout, max_retries).text

    @keyword("Ask LLM For JSON")
    def ask_llm_for_json(
        self,
        prompt: str,
        schema: dict[str, Any] | str,
        *,
        system: str | None = None,
        max_tokens: int = 512,
        timeout: timedelta | None = None,
        max_retries: int | None = None,
        alias: str | None = None,
    ) -> Any:
        """Asks for structured output following the JSON ``schema`` and returns the parsed value.

        ``schema`` is a dictionary, a JSON string or the path of a .json file. Fails when the answer is not
        JSON or does not match the schema, listing each violation.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        one read of the answer (the SDK's read timeout); ``timeout`` and ``max_retries`` default to the
        connection's.

        Example:
        | ${city} = | Ask LLM For JSON | Describe Paris | ${CITY_SCHEMA} |
        | Should Be Equal | ${city}[name] | Paris |
        """
        schema = load_json_argument(schema, "schema")
        request = LLMRequest([_user(prompt)], system, max_tokens, schema=schema)
        record = self._call(request, alias, timeout, max_retries)
        try:
            value = parse_json(record.text)
        except ValueError as error:
            raise LLMExpectationFailed(
                f"{_who(record)} should have answered JSON but sent '{record.text[:200]}' ({error})."
            ) from None
        problems = schema_errors(value, schema)
        if problems:
            raise LLMExpectationFailed(
                f"{_who(record)} answered JSON that does not match the schema: {'; '.join(problems)}."
            )
        return value

    @keyword("Call LLM With Tools")
    def call_llm_with_tools(
        self,
        prompt: str,
        tools: list[dict[str, Any]] | str,
        *,
        system: str | None = None,
        max_tokens: int = 256,
        stream: bool = False,
        timeout: timedelta | None = None,
        max_retries: int | None = None,
        alias: str | None = None,
    ) -> list[dict[str, Any]]:
        """Offers ``tools`` (``name``, ``description``, ``parameters`` JSON schema each) and returns the tool calls.

        Each returned item has ``name``, ``arguments`` (parsed) and ``id``. Fails when the model calls a tool
        that was not offered or sends arguments that are not valid JSON.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        one read of the answer (the SDK's read timeout); ``timeout`` and ``max_retries`` default to the
        connection's.

        Example:
        | ${calls} = | Call LLM With Tools | Weather in Paris? | ${WEATHER_TOOLS} |
        | Should Be Equal | ${calls}[0][name] | get_weather |
        """
        offered = load_json_argument(tools, "tools")
        if not isinstance(offered, list) or not all(isinstance(t, dict) and "name" in t for t in offered):
            raise LLMConfigurationError("tools must be a list of dictionaries with name, description, parameters.")
        offered = [{"description": "", "parameters": {"type": "object", "properties": {}}, **t} for t in offered]
        request = LLMRequest([_user(prompt)], system, max_tokens, tools=offered, stream=stream)
        record = self._call(request, alias, timeout, max_retries)
        names = {tool["name"] for tool in offered}
        return [_checked_tool_call(record, call, names) for call in record.tool_calls]

    @keyword("Stream LLM Answer")
    def stream_llm_answer(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_tokens: int = 256,
        timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> str:
        """Streams the answer to ``prompt`` and returns the full text.

        Fails when the stream breaks (dropped connection, read timeout, a chunk that is not JSON) and also when
        it ends without a finish reason or terminator, which the SDKs accept silently. Time to first token is
        logged.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        one read of the stream (the SDK's read timeout: a slow but steady stream never times out); it defaults to
        the connection's.

        Example:
        | ${answer} = | Stream LLM Answer | Tell me a story | timeout=2s |
        """
        request = LLMRequest([_user(prompt)], system, max_tokens, stream=True)
        return self._call(request, alias, timeout, None).text

    @keyword("Get Last LLM Answer")
    def get_last_llm_answer(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> str:
        """Returns the text of the last successful call in this test, with an optional inline assertion.

        Example:
        | Get Last LLM Answer | contains | Paris |
        """
        text = self.state.last_call().text
        return verify_assertion(text, assertion_operator, assertion_expected, "LLM answer", message)

    @keyword("Get Last LLM Call")
    def get_last_llm_call(self) -> dict[str, Any]:
        """Returns the last call of this test as a dictionary.

        Keys: provider, model, mode, text, tool_calls, finish_reason, input_tokens, cached_input_tokens,
        cache_write_tokens, output_tokens, cost_usd, latency_s, time_to_first_token_s, request_id, response_id,
        retries, stream, chunks.

        Example:
        | ${call} = | Get Last LLM Call |
        | Should Be True | ${call}[output_tokens] > 0 |
        """
        return self.state.last_call().as_dict()

    @keyword("Get Last LLM Finish Reason")
    def get_last_llm_finish_reason(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> str:
        """Returns the finish / stop reason of the last call (``stop``, ``end_turn``, ``tool_calls`` ...).

        Example:
        | Get Last LLM Finish Reason    ==    stop
        """
        reason = self.state.last_call().finish_reason or ""
        return verify_assertion(reason, assertion_operator, assertion_expected, "Finish reason", message)

    @keyword("Get Last LLM Retry Count")
    def get_last_llm_retry_count(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> int:
        """Returns how many times the SDK retried the last call before it succeeded.

        Example:
        | Get Last LLM Retry Count    ==    2
        """
        retries = self.state.last_call().retries
        expected = integer_expected(assertion_expected)
        return verify_assertion(retries, assertion_operator, expected, "Retry count", message)

    def _call(self, request: LLMRequest, alias: str | None, timeout: timedelta | None, retries: int | None):
        seconds = timeout.total_seconds() if timeout is not None else None
        return self.state.call(request, alias, timeout=seconds, max_retries=retries)


def _user(prompt: str) -> dict[str, str]:
    return {"role": "user", "content": prompt}


def _turn(item: Any, index: int) -> dict[str, str]:
    if not isinstance(item, dict) or item.get("role") not in ("user", "assistant") or "content" not in item:
        raise LLMConfigurationError(
            f"messages item {index} must be a dictionary with role user/assistant and content, got {item!r}."
        )
    return {"role": item["role"], "content": str(item["content"])}


def _who(record: CallRecord) -> str:
    return f"{PROVIDER_NAMES[record.provider]} model '{record.model}' (request id {record.request_id or 'n/a'})"


def _checked_tool_call(record: CallRecord, call: Any, offered: set[str]) -> dict[str, Any]:
    if call.name not in offered:
        raise LLMExpectationFailed(
            f"{_who(record)} called tool '{call.name}', which was not offered: {sorted(offered)}."
        )
    try:
        arguments = json.loads(call.arguments or "{}")
    except ValueError as error:
        raise LLMExpectationFailed(
            f"{_who(record)} called tool '{call.name}' with arguments that are not valid JSON: "
            f"'{call.arguments[:200]}' ({error})."
        ) from None
    return {"name": call.name, "arguments": arguments, "id": call.id}
