from __future__ import annotations

from datetime import timedelta
from enum import Enum
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api import logger
from robot.api.deco import keyword
from robot.api.exceptions import SkipExecution

from ..emulator import retry_after_violations
from ..errors import PROVIDER_NAMES, LLMConfigurationError, LLMExpectationFailed
from .base import LLMComponent, integer_expected, load_json_argument

MAX_RETRY_AFTER = timedelta(seconds=60)


class StreamBreak(Enum):
    """How a scripted stream breaks.

    - ``disconnect``: the connection drops mid-stream (a transport error).
    - ``truncate``: the stream ends cleanly but early, with no finish reason and no terminator.
    - ``stall``: the stream stops sending for a while (exercises the read timeout).
    - ``malformed``: a chunk that is not valid JSON.
    """

    disconnect = "disconnect"
    truncate = "truncate"
    stall = "stall"
    malformed = "malformed"


class ToolCallFault(Enum):
    """How a scripted tool call is broken.

    - ``malformed_arguments``: the arguments are not valid JSON.
    - ``unknown_tool``: the model calls a tool that was never offered.
    """

    malformed_arguments = "malformed_arguments"
    unknown_tool = "unknown_tool"


class EmulatorKeywords(LLMComponent):
    """Scripts for the run's llmock emulator, scoped to the current test; they skip against a real provider."""

    @keyword("LLM Will Answer")
    def llm_will_answer(
        self, text: str, *, times: int = 1, streaming: bool | None = None, alias: str | None = None
    ) -> None:
        """The next ``times`` calls of this test get ``text`` as the answer.

        ``streaming=True`` applies it only to calls that stream their answer, ``streaming=False`` only to calls
        that do not (the same for every ``LLM Will …`` keyword that takes it).

        Example:
        | LLM Will Answer | The capital of France is Paris. |
        """
        behaviour = {"type": "reply", "text": text, "times": times, "match": _streaming(streaming)}
        self._queue(behaviour, alias, f"answer '{text[:80]}'")

    @keyword("LLM Will Fail")
    def llm_will_fail(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: timedelta | None = None,
        message: str | None = None,
        streaming: bool | None = None,
        alias: str | None = None,
    ) -> None:
        """The next ``times`` requests of this test get HTTP ``status`` (e.g. 429, 500, 529) in the provider's format.

        ``retry_after`` sets the ``retry-after`` / ``retry-after-ms`` headers (at most 60 s: longer waits make
        the SDKs give up or sleep for minutes). Each SDK retry is a new request and consumes one failure.

        Example:
        | LLM Will Fail | 429 | times=2 | retry_after=1s |
        | LLM Will Fail | 529 | times=3 |
        """
        if not 400 <= status <= 599:
            raise LLMConfigurationError(f"status must be an HTTP error between 400 and 599, got {status}.")
        behaviour: dict[str, Any] = {
            "type": "fail",
            "status": status,
            "times": times,
            "message": message,
            "match": _streaming(streaming),
        }
        if retry_after is not None:
            if retry_after > MAX_RETRY_AFTER:
                raise LLMConfigurationError(f"retry_after must be at most 60 s, got {retry_after.total_seconds()} s.")
            behaviour["retry_after"] = retry_after.total_seconds()
        self._queue(behaviour, alias, f"fail with status {status} {times} time(s)")

    @keyword("LLM Will Answer Slowly")
    def llm_will_answer_slowly(
        self, delay: timedelta, *, times: int = 1, streaming: bool | None = None, alias: str | None = None
    ) -> None:
        """The next ``times`` requests of this test are answered only after ``delay``.

        Example:
        | LLM Will Answer Slowly | 3s |
        | LLM Will Answer Slowly | 500ms | streaming=True |
        """
        behaviour = {"type": "delay", "seconds": delay.total_seconds(), "times": times, "match": _streaming(streaming)}
        self._queue(behaviour, alias, f"wait {delay}")

    @keyword("LLM Will Be Slow To First Token")
    def llm_will_be_slow_to_first_token(self, delay: timedelta, *, times: int = 1, alias: str | None = None) -> None:
        """The next ``times`` streams of this test send their first chunk only after ``delay``.

        Example:
        | LLM Will Be Slow To First Token | 300ms |
        """
        behaviour = {"type": "slow_first_token", "seconds": delay.total_seconds(), "times": times}
        self._queue(behaviour, alias, f"delay the first token by {delay}")

    @keyword("LLM Stream Will Break")
    def llm_stream_will_break(
        self,
        kind: StreamBreak,
        *,
        after_chunks: int = 3,
        stall: timedelta = timedelta(seconds=30),
        times: int = 1,
        alias: str | None = None,
    ) -> None:
        """The next ``times`` streams of this test break as ``kind`` says, after ``after_chunks`` chunks.

        ``stall`` is how long a ``stall`` lasts before the stream carries on.

        Example:
        | LLM Stream Will Break | truncate | after_chunks=3 |
        | LLM Stream Will Break | stall | stall=10s |
        """
        behaviour = {
            "type": "stream_fault",
            "kind": kind.value,
            "after_chunks": after_chunks,
            "stall_seconds": stall.total_seconds(),
            "times": times,
        }
        self._queue(behaviour, alias, f"break the stream ({kind.value}) after {after_chunks} chunks")

    @keyword("LLM Will Call Tool")
    def llm_will_call_tool(
        self, name: str, arguments: dict[str, Any] | str | None = None, *, times: int = 1, alias: str | None = None
    ) -> None:
        """The next ``times`` calls of this test answer with a call of tool ``name`` with ``arguments``.

        Example:
        | LLM Will Call Tool | get_weather | {"city": "Paris"} |
        """
        parsed = load_json_argument(arguments, "arguments") if arguments is not None else {}
        call = {"name": name, "arguments": parsed}
        self._queue({"type": "reply", "tool_calls": [call], "times": times}, alias, f"call tool {name}")

    @keyword("LLM Tool Call Will Be Broken")
    def llm_tool_call_will_be_broken(self, kind: ToolCallFault, *, times: int = 1, alias: str | None = None) -> None:
        """The next ``times`` calls of this test that offer tools get a broken tool call.

        Example:
        | LLM Tool Call Will Be Broken | malformed_arguments |
        """
        self._queue(
            {"type": "tool_fault", "kind": kind.value, "times": times}, alias, f"break a tool call ({kind.value})"
        )

    @keyword("Get LLM Request Count")
    def get_llm_request_count(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> int:
        """Returns how many HTTP requests of this test reached the emulator (each SDK retry counts).

        Example:
        | Get LLM Request Count    ==    3
        """
        count = len(self._journal(alias))
        expected = integer_expected(assertion_expected)
        return verify_assertion(count, assertion_operator, expected, "LLM request count", message)

    @keyword("Get LLM Requests")
    def get_llm_requests(self, *, alias: str | None = None) -> list[dict[str, Any]]:
        """Returns the emulator's journal of this test's requests, oldest first.

        Each item has ``status``, ``model``, ``stream``, ``fault``, ``retry_after``, ``sdk_retry_count``,
        ``started_at`` / ``ended_at`` (server clock, seconds) and ``body`` (the JSON the SDK sent).

        Example:
        | ${requests} = | Get LLM Requests |
        | Length Should Be | ${requests}[0][body][messages] | 3 |
        """
        return self._journal(alias)

    @keyword("Skip Unless LLM Emulator")
    def skip_unless_llm_emulator(self, *, alias: str | None = None) -> None:
        """Skips the test unless the connection talks to the run's emulator.

        Example:
        | Skip Unless LLM Emulator |
        """
        self._emulated(alias)

    @keyword("LLM Retries Should Honour Retry After")
    def llm_retries_should_honour_retry_after(self, *, message: str | None = None, alias: str | None = None) -> None:
        """Fails unless every retry of this test waited at least the ``retry-after`` its error asked for.

        Also fails when no retry after an error with ``retry-after`` happened at all.

        Example:
        | LLM Will Fail | 429 | times=2 | retry_after=1s |
        | Ask LLM | Hello |
        | LLM Retries Should Honour Retry After |
        """
        records = self._journal(alias)
        waits = [r for r in records[:-1] if r["status"] >= 400 and r.get("retry_after") is not None]
        problems = retry_after_violations(records)
        if not waits:
            problems.append(f"no request of this test got an error with retry-after ({len(records)} requests)")
        if problems:
            raise LLMExpectationFailed(
                message or f"Retries should have honoured retry-after, but {'; '.join(problems)}."
            )
        logger.info(f"{len(waits)} retry-after wait(s) honoured across {len(records)} requests.")

    def _queue(self, behaviour: dict[str, Any], alias: str | None, what: str) -> None:
        connection = self._emulated(alias)
        if behaviour.get("times") is not None and behaviour["times"] < 1:
            raise LLMConfigurationError(f"times must be 1 or more, got {behaviour['times']}.")
        behaviour = {name: value for name, value in behaviour.items() if value is not None}
        self.state.emulator().queue(behaviour, provider=connection.provider, scope=self.state.script_scope)
        logger.info(f"Emulated {PROVIDER_NAMES[connection.provider]} will {what}.")

    def _journal(self, alias: str | None) -> list[dict[str, Any]]:
        connection = self._emulated(alias)
        return self.state.emulator().requests(
            provider=connection.provider, scope=self.state.script_scope, after=self.state.journal_after
        )

    def _emulated(self, alias: str | None):
        connection = self.state.connection(alias)
        if connection.mode != "emulator":
            raise SkipExecution(
                f"Needs the LLM emulator: connection '{connection.alias}' talks to the {connection.mode} "
                f"{PROVIDER_NAMES[connection.provider]} API, where faults cannot be scripted."
            )
        return connection


def _streaming(streaming: bool | None) -> dict[str, bool]:
    return {} if streaming is None else {"stream": streaming}
