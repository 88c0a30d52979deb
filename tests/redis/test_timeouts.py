"""A Redis that stops answering must fail a keyword within its socket timeout, never hang on retries."""

from __future__ import annotations

import time

import pytest

from libraries.redis_library import RedisLibrary
from libraries.redis_library.errors import RedisUnavailable

GENEROUS = 3.0


def test_command_to_a_frozen_server_fails_within_the_socket_timeout(private_redis, namespace):
    library = RedisLibrary(socket_timeout="500 ms")
    library.connect_to_redis_from_url(private_redis.url)
    library.set_redis_value("probe", "1")
    private_redis.freeze()

    started = time.monotonic()
    with pytest.raises(RedisUnavailable, match=r"did not answer GET on key 'probe' within socket_timeout=0.5 s"):
        library.get_redis_value("probe")
    assert time.monotonic() - started < GENEROUS
    library.disconnect_from_all_redis()


def test_connect_to_a_frozen_server_fails_within_the_socket_timeout(private_redis):
    private_redis.freeze()
    library = RedisLibrary(socket_timeout="500 ms", socket_connect_timeout="500 ms")

    started = time.monotonic()
    with pytest.raises(RedisUnavailable, match=r"did not answer PING within socket_timeout=0.5 s"):
        library.connect_to_redis_from_url(private_redis.url)
    assert time.monotonic() - started < GENEROUS


def test_closed_port_fails_at_once_naming_the_url(private_redis):
    url = private_redis.url
    private_redis.stop()
    library = RedisLibrary(socket_connect_timeout="1 s")

    with pytest.raises(RedisUnavailable, match=f"Cannot connect to Redis at {url}"):
        library.connect_to_redis_from_url(url)
