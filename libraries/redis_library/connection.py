"""One open Redis connection per alias (``libraries.common.ConnectionStore`` keeps them)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.client import PubSub
from redis.commands.core import Script
from redis.retry import Retry
from robot.api import logger

from libraries.services import runtime

from .errors import RedisLibraryError, translate

DEFAULT_ALIAS = "default"
LOG_VALUE_LIMIT = 120
T = TypeVar("T")


def retry_policy(max_retries: int) -> Retry:
    """Reconnect at most ``max_retries`` times after a dropped connection; never repeat a command that timed out."""
    if max_retries < 0:
        raise RedisLibraryError(f"max_retries must be 0 or more, got {max_retries}.")
    return Retry(NoBackoff(), max_retries, supported_errors=(redis.exceptions.ConnectionError,))


def shorten(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= LOG_VALUE_LIMIT else f"{text[:LOG_VALUE_LIMIT]}... ({len(text)} characters)"


@dataclass
class RedisConnection:
    alias: str
    client: redis.Redis
    display_url: str
    socket_timeout: float | None
    fixed_prefix: str | None = None
    """``None``: keys follow the suite namespace of the moment (``runtime.key_prefix()``)."""
    pipeline: redis.client.Pipeline | None = None
    queueing: bool = False
    subscriber: PubSub | None = None
    unread_messages: deque = field(default_factory=deque)
    scripts: dict[str, Script] = field(default_factory=dict)
    lock_owners: dict[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return runtime.key_prefix() if self.fixed_prefix is None else self.fixed_prefix

    def key(self, key: str) -> str:
        return self.prefix + key

    def strip(self, full_key: str) -> str:
        return full_key[len(self.prefix) :]

    def pattern(self, pattern: str) -> str:
        return re.sub(r"([\\*?\[\]])", r"\\\1", self.prefix) + pattern

    def run(
        self, command: str, key: str | None, action: Callable[..., T], *args: Any, expects: str = "", **kwargs: Any
    ) -> T:
        """Run ``action(prefixed key, *args)`` (or ``action(*args)`` without a key), translating redis-py errors."""
        try:
            return action(self.prefix + key, *args, **kwargs) if key is not None else action(*args, **kwargs)
        except redis.exceptions.RedisError as error:
            raise translate(error, self, command, key, expects) from None

    def log(self, command: str, key: str | None = None, detail: str = "") -> None:
        subject = f" '{key}'" if key is not None else ""
        where = "" if self.alias == DEFAULT_ALIAS else f" [{self.alias}]"
        logger.info(f"{command}{subject}{detail}{where}")

    @property
    def writer(self) -> redis.Redis | redis.client.Pipeline:
        return self.pipeline if self.queueing and self.pipeline is not None else self.client

    def reader(self, keyword: str) -> redis.Redis:
        if self.queueing:
            raise RedisLibraryError(
                f"{keyword} cannot read while a pipeline is open on connection '{self.alias}': "
                "run Execute Redis Pipeline or Discard Redis Pipeline first."
            )
        return self.client

    def type_of(self, key: str) -> str:
        try:
            return self.client.type(self.key(key))
        except redis.exceptions.RedisError:
            return "value of another type"

    @contextmanager
    def blocking_client(self, block_seconds: float) -> Iterator[redis.Redis]:
        """A one-connection client whose read timeout covers a server-side block of ``block_seconds``."""
        pool = self.client.connection_pool
        read_timeout = block_seconds + (self.socket_timeout or 0) + 1
        kwargs = {**pool.connection_kwargs, "socket_timeout": read_timeout}
        client = redis.Redis(
            connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, max_connections=1, **kwargs)
        )
        try:
            yield client
        finally:
            client.close()
            client.connection_pool.disconnect()

    def close(self) -> None:
        if self.pipeline is not None:
            self.pipeline.reset()
        if self.subscriber is not None:
            self.subscriber.close()
        self.client.close()
        self.client.connection_pool.disconnect()
