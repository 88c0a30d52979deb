"""Failures of the Redis keywords: one clear line each, naming the key and what was expected."""

from __future__ import annotations

from typing import Protocol

from redis import exceptions


class RedisLibraryError(RuntimeError):
    """Something went wrong: a bad argument, an unknown alias, a missing setting, or one of the subclasses below."""

    ROBOT_SUPPRESS_NAME = True


class RedisUnavailable(RedisLibraryError):
    """The server could not be reached or did not answer in time."""


class RedisCommandFailed(RedisLibraryError):
    """The server refused a command."""


class RedisExpectationFailed(AssertionError):
    """A key, value or event was not what the test expected. Polling keywords retry these."""

    ROBOT_SUPPRESS_NAME = True


class KeyMissing(RedisExpectationFailed):
    pass


class WrongType(RedisExpectationFailed):
    pass


class TransactionAborted(RedisExpectationFailed):
    pass


class FailedConnection(Protocol):
    """What a failure message says about the connection a command failed on (a `RedisConnection`)."""

    alias: str
    display_url: str
    socket_timeout: float | None

    def type_of(self, key: str) -> str: ...


def seconds_text(value: float | None) -> str:
    return "no limit" if value is None else f"{value:g} s"


def translate(
    error: exceptions.RedisError,
    connection: FailedConnection,
    command: str,
    key: str | None = None,
    expects: str | None = None,
) -> Exception:
    """Turn a redis-py exception into a one-line failure that names the key as the test wrote it."""
    subject = f" on key '{key}'" if key is not None else ""
    where = f"{connection.display_url} (connection '{connection.alias}')"
    if isinstance(error, exceptions.TimeoutError):
        return RedisUnavailable(
            f"Redis at {where} did not answer {command}{subject} within socket_timeout="
            f"{seconds_text(connection.socket_timeout)}: the server is stopped or overloaded. "
            "Raise socket_timeout only if slow answers are expected."
        )
    if isinstance(error, exceptions.ConnectionError):
        return RedisUnavailable(f"Lost the connection to Redis at {where} during {command}{subject}: {error}")
    if isinstance(error, exceptions.WatchError):
        return TransactionAborted(
            f"The transaction on connection '{connection.alias}' was aborted: a watched key changed after "
            "Watch Redis Keys, so nothing was written. Read the keys again and retry the update."
        )
    if isinstance(error, exceptions.ResponseError) and str(error).startswith("WRONGTYPE") and key is not None:
        actual = connection.type_of(key)
        return WrongType(f"Redis key '{key}' holds a {actual}, but {command} expects a {expects or 'different type'}.")
    return RedisCommandFailed(f"Redis refused {command}{subject} on connection '{connection.alias}': {error}")
