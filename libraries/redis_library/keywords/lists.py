from __future__ import annotations

from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api.deco import keyword

from libraries.common import duration, seconds, with_assertion_polling

from ..base import RedisComponent
from ..connection import shorten
from ..errors import RedisExpectationFailed, RedisLibraryError


class ListKeywords(RedisComponent):
    @keyword("Push To Redis List")
    def push_to_redis_list(self, key: str, *values: Any, head: bool = False, alias: str | None = None) -> int | None:
        """Appends ``values`` to the list ``key`` (to its head with ``head=True``); returns the new length.

        Example:
        | `Push To Redis List` | queue:jobs | job-1 | job-2 |
        | `Push To Redis List` | queue:jobs | urgent | head=True |
        """
        if not values:
            raise RedisLibraryError(f"Push To Redis List for key '{key}' needs at least one value.")
        connection = self.connection(alias)
        push = connection.writer.lpush if head else connection.writer.rpush
        length = connection.run("LPUSH" if head else "RPUSH", key, push, *values, expects="list")
        connection.log("LPUSH" if head else "RPUSH", key, f" {shorten(list(values))}")
        return None if connection.queueing else length

    @keyword("Pop From Redis List")
    def pop_from_redis_list(
        self, key: str, *, timeout: timedelta | None = None, tail: bool = False, alias: str | None = None
    ) -> Any:
        """Removes and returns the first item of the list ``key`` (the last with ``tail=True``).

        Without ``timeout`` it fails at once on an empty list; with ``timeout`` it waits (BLPOP) for an item to
        arrive. ``timeout`` bounds one operation: after that time the keyword stops waiting for it.

        Example:
        | ${job} = | `Pop From Redis List` | queue:jobs |
        | ${job} = | `Pop From Redis List` | queue:jobs | timeout=2 s |
        """
        connection = self.connection(alias)
        connection.reader("Pop From Redis List")
        command = ("BRPOP" if tail else "BLPOP") if timeout is not None else ("RPOP" if tail else "LPOP")
        if timeout is None:
            pop = connection.client.rpop if tail else connection.client.lpop
            value = connection.run(command, key, pop, expects="list")
        else:
            wait = seconds(timeout)
            with connection.blocking_client(wait) as client:
                pop = client.brpop if tail else client.blpop
                popped = connection.run(command, key, lambda full_key: pop([full_key], timeout=wait), expects="list")
            value = popped[1] if popped else None
        if value is None:
            waited = f" within {duration(timeout)}" if timeout is not None else ""
            raise RedisExpectationFailed(f"Redis list '{key}' had no item to pop{waited}.")
        connection.log(command, key, f" -> {shorten(value)}")
        return value

    @keyword("Get Redis List Length")
    @with_assertion_polling
    def get_redis_list_length(
        self,
        key: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> int:
        """Returns the length of the list ``key`` (0 when it does not exist), optionally asserting it.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Redis List Length`    queue:jobs    ==    0    retry_timeout=5 s
        """
        return self.length(
            "Get Redis List Length", "LLEN", "list", key, assertion_operator, assertion_expected, message, alias
        )

    @keyword("Get Redis List")
    @with_assertion_polling
    def get_redis_list(
        self,
        key: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> list:
        """Returns every item of the list ``key``, head first, without removing them, optionally asserting it.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | @{jobs} = | `Get Redis List` | queue:jobs |
        | `Get Redis List` | queue:jobs | contains | job-2 |
        """
        connection = self.connection(alias)
        client = connection.reader("Get Redis List")
        items = connection.run("LRANGE", key, client.lrange, 0, -1, expects="list")
        items = verify_assertion(items, assertion_operator, assertion_expected, f"Redis list '{key}'", message)
        connection.log("LRANGE", key, f" -> {shorten(items)}")
        return items
