from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, int_str_verify_assertion, verify_assertion
from robot.api.deco import keyword

from libraries.common import duration, seconds, with_assertion_polling

from ..base import RedisComponent, expectation
from ..connection import shorten
from ..errors import KeyMissing, RedisExpectationFailed, RedisLibraryError


def milliseconds(ttl: timedelta | None) -> int | None:
    if ttl is None:
        return None
    value = round(seconds(ttl) * 1000)
    if value <= 0:
        raise RedisLibraryError(f"ttl must be at least 1 ms, got {duration(ttl)}.")
    return value


def json_argument(text: str, argument: str, key: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise RedisLibraryError(f"{argument} for key '{key}' is not valid JSON: {error}") from None


class StringKeywords(RedisComponent):
    @keyword("Set Redis Value")
    def set_redis_value(
        self,
        key: str,
        value: Any,
        *,
        ttl: timedelta | None = None,
        only_if_absent: bool = False,
        alias: str | None = None,
    ) -> bool | None:
        """Stores ``value`` as a string under ``key``, with an optional ``ttl`` (millisecond precision).

        With ``only_if_absent=True`` an existing key is left alone. Returns whether the value was written
        (``None`` inside a pipeline, whose results come from `Execute Redis Pipeline`).

        Example:
        | `Set Redis Value` | agent:1:status | running |
        | `Set Redis Value` | agent:1:heartbeat | alive | ttl=500 ms |
        | ${written} = | `Set Redis Value` | job:7:claimed | agent-1 | only_if_absent=True |
        """
        connection = self.connection(alias)
        written = connection.run(
            "SET", key, connection.writer.set, value, px=milliseconds(ttl), nx=only_if_absent, expects="string"
        )
        connection.log("SET", key, f" = {shorten(value)}" + (f" ttl={duration(ttl)}" if ttl is not None else ""))
        return None if connection.queueing else bool(written)

    @keyword("Get Redis Value")
    @with_assertion_polling
    def get_redis_value(
        self,
        key: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> Any:
        """Returns the string stored under ``key``, optionally asserting it; fails if the key does not exist.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds. A key that does not
        exist yet is waited for the same way.

        Example:
        | `Get Redis Value`    agent:1:status    ==    running
        | ${status} =    `Get Redis Value`    agent:1:status
        | `Get Redis Value`    agent:1:status    ==    done    retry_timeout=2 s
        """
        connection = self.connection(alias)
        client = connection.reader("Get Redis Value")
        value = connection.run("GET", key, client.get, expects="string")
        if value is None:
            raise KeyMissing(
                message or f"Redis key '{key}' does not exist{expectation(assertion_operator, assertion_expected)}."
            )
        value = verify_assertion(value, assertion_operator, assertion_expected, f"Redis key '{key}'", message)
        connection.log("GET", key, f" -> {shorten(value)}")
        return value

    @keyword("Increment Redis Counter")
    def increment_redis_counter(self, key: str, amount: int = 1, *, alias: str | None = None) -> int | None:
        """Adds ``amount`` (may be negative) to the integer counter ``key`` atomically; returns the new value.

        A missing counter starts at 0.

        Example:
        | `Increment Redis Counter` | agent:1:steps |
        | ${left} = | `Increment Redis Counter` | budget:tokens | -250 |
        """
        connection = self.connection(alias)
        value = connection.run("INCRBY", key, connection.writer.incrby, amount, expects="integer string")
        connection.log("INCRBY", key, f" by {amount}" + ("" if connection.queueing else f" -> {value}"))
        return None if connection.queueing else value

    @keyword("Get Redis Counter")
    @with_assertion_polling
    def get_redis_counter(
        self,
        key: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> int:
        """Returns the integer counter ``key`` (0 when it does not exist), optionally asserting it.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Redis Counter`    agent:1:steps    ==    3
        | `Get Redis Counter`    jobs:done    >=    10    retry_timeout=5 s
        """
        connection = self.connection(alias)
        client = connection.reader("Get Redis Counter")
        raw = connection.run("GET", key, client.get, expects="string")
        try:
            value = int(raw or 0)
        except ValueError:
            raise RedisExpectationFailed(f"Redis key '{key}' holds {shorten(raw)}, not an integer counter.") from None
        value = int_str_verify_assertion(
            value, assertion_operator, assertion_expected, f"Counter '{key}'", message or ""
        )
        connection.log("GET", key, f" -> {value}")
        return value

    @keyword("Set JSON Document")
    def set_json_document(
        self, key: str, document: dict | list | str, *, ttl: timedelta | None = None, alias: str | None = None
    ) -> None:
        """Stores a dictionary or list (or a JSON string) as a JSON document under ``key``.

        Example:
        | &{plan} = | Create Dictionary | step=1 | tools=${tools} |
        | `Set JSON Document` | agent:1:plan | ${plan} |
        | `Set JSON Document` | agent:1:plan | {"step": 1} | ttl=10 s |
        """
        if isinstance(document, str):
            document = json_argument(document, "document", key)
        text = json.dumps(document, ensure_ascii=False)
        connection = self.connection(alias)
        connection.run("SET", key, connection.writer.set, text, px=milliseconds(ttl), expects="string")
        connection.log("SET JSON", key, f" = {shorten(text)}")

    @keyword("Get JSON Document")
    @with_assertion_polling
    def get_json_document(
        self,
        key: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> Any:
        """Returns the JSON document under ``key`` as a dictionary (or list), optionally asserting it.

        A string ``assertion_expected`` is read as JSON. ``retry_timeout`` is how long the keyword keeps polling
        until its assertion holds.

        Example:
        | ${plan} =    `Get JSON Document`    agent:1:plan
        | `Get JSON Document`    agent:1:plan    ==    {"step": 1}
        | `Get JSON Document`    agent:1:plan    validate    value['step'] >= 1
        """
        connection = self.connection(alias)
        client = connection.reader("Get JSON Document")
        expected = assertion_expected
        if isinstance(expected, str) and assertion_operator in (AssertionOperator["=="], AssertionOperator["!="]):
            expected = json_argument(expected, "assertion_expected", key)
        text = connection.run("GET", key, client.get, expects="string")
        if text is None:
            raise KeyMissing(message or f"Redis key '{key}' does not exist{expectation(assertion_operator, expected)}.")
        try:
            document = json.loads(text)
        except ValueError:
            raise RedisExpectationFailed(f"Redis key '{key}' holds {shorten(text)}, which is not JSON.") from None
        document = verify_assertion(document, assertion_operator, expected, f"JSON document '{key}'", message)
        connection.log("GET JSON", key, f" -> {shorten(document)}")
        return document
