"""What every keyword component shares: the library's connection store and defaults, seen through a protocol."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from assertionengine import AssertionOperator, int_str_verify_assertion

from libraries.common import LibraryComponent, PollingLibrary, seconds

from .connection import RedisConnection

if TYPE_CHECKING:
    from libraries.common.connections import ConnectionStore


def seconds_or(value: timedelta | float | str | None, default: float | None) -> float | None:
    """``value`` in seconds, or ``default`` when it is not given."""
    return default if value is None else seconds(value)


def expectation(operator: AssertionOperator | None, expected: Any) -> str:
    return "" if operator is None else f" (expected {operator.value} {expected!r})"


class RedisSettings(PollingLibrary, Protocol):
    """What the components use of `RedisLibrary`: its connections and the defaults given at import."""

    connections: ConnectionStore[RedisConnection]
    socket_timeout: float | None
    socket_connect_timeout: float | None
    max_retries: int


class RedisComponent(LibraryComponent[RedisSettings]):
    def connection(self, alias: str | None) -> RedisConnection:
        return self.library.connections.get_connection(alias)

    def length(
        self,
        keyword: str,
        command: str,
        kind: str,
        key: str,
        operator: AssertionOperator | None,
        expected: Any,
        message: str | None,
        alias: str | None,
    ) -> int:
        """The length of the ``kind`` (``list``, ``stream``) ``key`` as ``command`` counts it, asserted and logged."""
        connection = self.connection(alias)
        client = connection.reader(keyword)
        length = connection.run(command, key, getattr(client, command.lower()), expects=kind)
        length = int_str_verify_assertion(length, operator, expected, f"Length of Redis {kind} '{key}'", message or "")
        connection.log(command, key, f" -> {length}")
        return length
