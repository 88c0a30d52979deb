from __future__ import annotations

import time
from typing import Any

from assertionengine import AssertionOperator, float_str_verify_assertion, int_str_verify_assertion, verify_assertion
from robot.api.deco import keyword

from libraries.common import seconds

from ..base import RedisComponent


class HealthKeywords(RedisComponent):
    @keyword("Get Redis Ping Latency")
    def get_redis_ping_latency(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> float:
        """Returns the round trip of one PING in seconds, optionally asserting it against a duration.

        Example:
        | `Get Redis Ping Latency` | < | 50 ms |
        """
        connection = self.connection(alias)
        client = connection.reader("Get Redis Ping Latency")
        started = time.perf_counter()
        connection.run("PING", None, client.ping)
        latency = time.perf_counter() - started
        connection.log("PING", detail=f" -> {latency * 1000:.2f} ms")
        expected = seconds(assertion_expected)
        return float_str_verify_assertion(
            latency, assertion_operator, expected, "PING latency in seconds", message or ""
        )

    @keyword("Get Redis Info")
    def get_redis_info(self, section: str | None = None, *, alias: str | None = None) -> dict[str, Any]:
        """Returns the server's INFO (one ``section`` such as ``memory`` or ``clients``, or the default set) as a
        dictionary.

        Example:
        | &{info} = | `Get Redis Info` | memory |
        | Log | ${info}[used_memory_human] |
        """
        connection = self.connection(alias)
        client = connection.reader("Get Redis Info")
        info = connection.run("INFO", None, client.info, section or None)
        connection.log("INFO", detail=f" {section or 'default'} -> {len(info)} fields")
        return info

    def _info_field(self, section: str, field: str, alias: str | None) -> Any:
        return self.get_redis_info(section, alias=alias)[field]

    @keyword("Get Redis Server Version")
    def get_redis_server_version(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> str:
        """Returns the server's version, such as ``6.2.14``, optionally asserting it.

        Example:
        | `Get Redis Server Version` | matches | ^[6-9]\\\\. |
        """
        version = str(self._info_field("server", "redis_version", alias))
        return verify_assertion(version, assertion_operator, assertion_expected, "Redis version", message)

    @keyword("Get Redis Memory Usage")
    def get_redis_memory_usage(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> int:
        """Returns the memory the server uses (``used_memory``) in bytes, optionally asserting it.

        Example:
        | `Get Redis Memory Usage` | < | 104857600 |
        """
        used = int(self._info_field("memory", "used_memory", alias))
        return int_str_verify_assertion(
            used, assertion_operator, assertion_expected, "Redis memory in bytes", message or ""
        )

    @keyword("Get Redis Connected Clients")
    def get_redis_connected_clients(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> int:
        """Returns how many clients are connected to the server, optionally asserting it.

        Example:
        | `Get Redis Connected Clients` | >= | 1 |
        """
        clients = int(self._info_field("clients", "connected_clients", alias))
        return int_str_verify_assertion(
            clients, assertion_operator, assertion_expected, "Connected clients", message or ""
        )
