from __future__ import annotations

from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api.deco import keyword

from libraries.common import with_assertion_polling

from ..base import RedisComponent, expectation
from ..connection import shorten
from ..errors import KeyMissing, RedisExpectationFailed, RedisLibraryError


class HashKeywords(RedisComponent):
    @keyword("Set Hash Fields")
    def set_hash_fields(
        self, key: str, fields: dict[str, Any] | None = None, *, alias: str | None = None, **named_fields: Any
    ) -> int | None:
        """Sets fields of the hash ``key``, given as a dictionary and/or as ``name=value`` pairs.

        Returns how many fields were new (``None`` inside a pipeline).

        Example:
        | `Set Hash Fields` | agent:1 | status=running | step=3 |
        | `Set Hash Fields` | agent:1 | ${fields} |
        """
        mapping = {**(fields or {}), **named_fields}
        if not mapping:
            raise RedisLibraryError(f"Set Hash Fields for key '{key}' needs at least one field, e.g. status=running.")
        connection = self.connection(alias)
        added = connection.run("HSET", key, connection.writer.hset, mapping=mapping, expects="hash")
        connection.log("HSET", key, f" {shorten(mapping)}")
        return None if connection.queueing else added

    @keyword("Get Hash Field")
    @with_assertion_polling
    def get_hash_field(
        self,
        key: str,
        field: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> Any:
        """Returns one field of the hash ``key``, optionally asserting it; fails if the hash or field is missing.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Hash Field`    agent:1    status    ==    running
        | ${step} =    `Get Hash Field`    agent:1    step
        """
        connection = self.connection(alias)
        client = connection.reader("Get Hash Field")
        value = connection.run("HGET", key, client.hget, field, expects="hash")
        if value is None:
            self._missing_field(connection, key, field, assertion_operator, assertion_expected, message)
        label = f"Field '{field}' of Redis hash '{key}'"
        value = verify_assertion(value, assertion_operator, assertion_expected, label, message)
        connection.log("HGET", key, f" {field} -> {shorten(value)}")
        return value

    def _missing_field(self, connection, key, field, operator, expected, message) -> None:
        fields = connection.run("HKEYS", key, connection.client.hkeys, expects="hash")
        if not fields:
            raise KeyMissing(message or f"Redis hash '{key}' does not exist{expectation(operator, expected)}.")
        raise RedisExpectationFailed(
            message
            or f"Redis hash '{key}' has no field '{field}'{expectation(operator, expected)}; "
            f"its fields are: {', '.join(sorted(map(str, fields)))}."
        )

    @keyword("Get Hash")
    @with_assertion_polling
    def get_hash(
        self,
        key: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> dict[str, Any]:
        """Returns every field of the hash ``key`` as a dictionary, optionally asserting it; fails if it is missing.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | &{agent} =    `Get Hash`    agent:1
        | `Get Hash`    agent:1    ==    ${expected}
        | `Get Hash`    agent:1    validate    value['status'] == 'done'    retry_timeout=2 s
        """
        connection = self.connection(alias)
        client = connection.reader("Get Hash")
        value = connection.run("HGETALL", key, client.hgetall, expects="hash")
        if not value:
            raise KeyMissing(
                message or f"Redis hash '{key}' does not exist{expectation(assertion_operator, assertion_expected)}."
            )
        value = verify_assertion(value, assertion_operator, assertion_expected, f"Redis hash '{key}'", message)
        connection.log("HGETALL", key, f" -> {shorten(value)}")
        return value
