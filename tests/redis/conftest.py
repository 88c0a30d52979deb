"""A RedisLibrary connected to the run's Redis inside a fresh namespace, and helpers to look behind it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from libraries.redis_library import RedisLibrary
from libraries.redis_library.testing import PrivateRedis
from libraries.services.runtime import Endpoints, Namespace


@pytest.fixture
def library(services: Endpoints, namespace: Namespace) -> Iterator[RedisLibrary]:
    """Connected as ``default`` to the run's server; keys carry the test's namespace prefix."""
    lib = RedisLibrary(socket_timeout=2, socket_connect_timeout=2, max_retries=0)
    lib.connect_to_redis()
    yield lib
    lib.disconnect_from_all_redis()


@pytest.fixture
def raw(services: Endpoints) -> Iterator[redis.Redis]:
    """A plain redis-py client without any prefix, to check what the library really wrote."""
    client = redis.Redis.from_url(services.redis_url, decode_responses=True, socket_timeout=2)
    yield client
    client.close()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    yield server
    server.stop()
