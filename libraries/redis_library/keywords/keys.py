from __future__ import annotations

from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api.deco import keyword

from libraries.common import duration, poll, renamed_argument, seconds, with_assertion_polling

from ..base import RedisComponent, expectation
from ..errors import KeyMissing, RedisExpectationFailed, RedisLibraryError
from .strings import milliseconds

SCAN_BATCH = 500


class KeyKeywords(RedisComponent):
    @keyword("Redis Key Should Exist")
    @with_assertion_polling
    def redis_key_should_exist(
        self, key: str, message: str | None = None, *, retry_timeout: timedelta | None = None, alias: str | None = None
    ) -> None:
        """Fails unless ``key`` exists.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds, that is until the key
        exists.

        Example:
        | `Redis Key Should Exist` | agent:1:status |
        | `Redis Key Should Exist` | result:7 | retry_timeout=5 s |
        """
        self._expect_existence("Redis Key Should Exist", key, True, message, alias)

    @keyword("Redis Key Should Not Exist")
    @with_assertion_polling
    def redis_key_should_not_exist(
        self, key: str, message: str | None = None, *, retry_timeout: timedelta | None = None, alias: str | None = None
    ) -> None:
        """Fails if ``key`` exists.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds, that is until the key
        is gone.

        Example:
        | `Redis Key Should Not Exist` | agent:1:lock |
        """
        self._expect_existence("Redis Key Should Not Exist", key, False, message, alias)

    def _expect_existence(self, keyword, key, wanted, message, alias) -> None:
        connection = self.connection(alias)
        client = connection.reader(keyword)
        found = bool(connection.run("EXISTS", key, client.exists))
        if found != wanted:
            state = "does not exist" if wanted else "exists"
            raise RedisExpectationFailed(
                message or f"Redis key '{key}' {state}, but it should {'' if wanted else 'not '}exist."
            )
        connection.log("EXISTS", key, f" -> {wanted}")

    @keyword("Delete Redis Keys")
    def delete_redis_keys(self, *keys: str, alias: str | None = None) -> int | None:
        """Deletes ``keys``; returns how many existed (``None`` inside a pipeline).

        Example:
        | `Delete Redis Keys` | agent:1:status | agent:1 |
        """
        if not keys:
            raise RedisLibraryError("Delete Redis Keys needs at least one key.")
        connection = self.connection(alias)
        deleted = connection.run("UNLINK", None, connection.writer.unlink, *map(connection.key, keys))
        connection.log("UNLINK", ", ".join(keys))
        return None if connection.queueing else deleted

    @keyword("Get Redis Keys")
    def get_redis_keys(
        self,
        pattern: str = "*",
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> list[str]:
        """Returns the sorted keys matching the glob ``pattern`` in this connection's namespace, without the prefix.

        Uses SCAN, never KEYS. Keys of other namespaces are not listed.

        Example:
        | @{keys} = | `Get Redis Keys` | agent:* |
        | `Get Redis Keys` | agent:* | contains | agent:1 |
        """
        connection = self.connection(alias)
        client = connection.reader("Get Redis Keys")
        match = connection.pattern(pattern)
        found = connection.run("SCAN", None, lambda: list(client.scan_iter(match=match, count=SCAN_BATCH)))
        keys = sorted(connection.strip(key) for key in found)
        connection.log("SCAN", pattern, f" -> {len(keys)} keys")
        return verify_assertion(keys, assertion_operator, assertion_expected, f"Keys matching '{pattern}'", message)

    @keyword("Set Redis TTL")
    def set_redis_ttl(self, key: str, ttl: timedelta, *, alias: str | None = None) -> None:
        """Makes ``key`` expire after ``ttl`` (millisecond precision). Fails if the key does not exist.

        Example:
        | `Set Redis TTL` | agent:1:heartbeat | 250 ms |
        | `Set Redis TTL` | session:9 | 1 hour |
        """
        connection = self.connection(alias)
        applied = connection.run("PEXPIRE", key, connection.writer.pexpire, milliseconds(ttl))
        connection.log("PEXPIRE", key, f" {duration(ttl)}")
        if not connection.queueing and not applied:
            raise KeyMissing(f"Cannot set a TTL on Redis key '{key}': it does not exist.")

    @keyword("Remove Redis TTL")
    def remove_redis_ttl(self, key: str, *, alias: str | None = None) -> None:
        """Makes ``key`` persistent again.

        Example:
        | `Remove Redis TTL` | session:9 |
        """
        connection = self.connection(alias)
        connection.run("PERSIST", key, connection.writer.persist)
        connection.log("PERSIST", key)

    @keyword("Get TTL")
    @with_assertion_polling
    def get_ttl(
        self,
        key: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> float | None:
        """Returns the time ``key`` has left to live, in seconds (``None`` when it never expires).

        Expected values are durations such as ``10 s`` or ``500 ms``. Fails if the key does not exist, or if an
        assertion is given and the key has no TTL. ``retry_timeout`` is how long the keyword keeps polling until its
        assertion holds.

        Example:
        | `Get TTL` | agent:1 | <= | 10 s |
        | `Get TTL` | agent:1 | > | 500 ms |
        | ${left} = | `Get TTL` | agent:1 |
        """
        connection = self.connection(alias)
        client = connection.reader("Get TTL")
        expected = seconds(assertion_expected)
        left = connection.run("PTTL", key, client.pttl)
        wanted = expectation(assertion_operator, assertion_expected)
        if left == -2:
            raise KeyMissing(message or f"Redis key '{key}' does not exist{wanted}.")
        if left == -1:
            if assertion_operator is not None:
                raise RedisExpectationFailed(message or f"Redis key '{key}' never expires{wanted}.")
            ttl = None
        else:
            ttl = verify_assertion(left / 1000, assertion_operator, expected, f"TTL of '{key}' in seconds", message)
        connection.log("PTTL", key, f" -> {ttl} s")
        return ttl

    @keyword("Wait Until Redis Key Expires")
    def wait_until_redis_key_expires(
        self,
        key: str,
        timeout: timedelta = timedelta(seconds=10),
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> None:
        """Waits until ``key`` no longer exists; fails with the TTL it still had.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it.
        ``retry_timeout`` is the deprecated name of ``timeout``, kept so that existing suites keep working.

        Example:
        | `Set Redis Value` | agent:1:heartbeat | alive | ttl=200 ms |
        | `Wait Until Redis Key Expires` | agent:1:heartbeat | timeout=2 s |
        """
        timeout = renamed_argument("Wait Until Redis Key Expires", "retry_timeout", retry_timeout, "timeout", timeout)
        connection = self.connection(alias)
        client = connection.reader("Wait Until Redis Key Expires")

        def expired() -> None:
            left = connection.run("PTTL", key, client.pttl)
            if left != -2:
                state = "it has no TTL" if left == -1 else f"{left} ms left"
                raise RedisExpectationFailed(f"Redis key '{key}' did not expire within {duration(timeout)}: {state}.")

        poll(expired, timeout, pause=self.retry_pause)
        connection.log("EXPIRED", key)
