from __future__ import annotations

import pytest
import redis
from robot.api.types import Secret

from libraries.redis_library import RedisLibrary
from libraries.redis_library.connection import retry_policy
from libraries.redis_library.errors import RedisLibraryError, RedisUnavailable
from libraries.services.processes import free_port


def test_keys_follow_the_namespace_and_are_shown_as_written(library, raw, namespace):
    library.set_redis_value("agent:1:status", "running")

    assert raw.get(f"{namespace.key_prefix}agent:1:status") == "running"
    assert library.get_redis_key_prefix() == namespace.key_prefix
    assert library.get_redis_keys("agent:*") == ["agent:1:status"]


def test_url_with_password_is_masked_in_failures_and_secret_is_accepted(services):
    library = RedisLibrary(socket_connect_timeout=1, max_retries=0)
    url = f"redis://qa:s3cret-pw@127.0.0.1:{free_port()}/0"

    with pytest.raises(RedisUnavailable) as failure:
        library.connect_to_redis_from_url(Secret(url))

    assert "s3cret-pw" not in str(failure.value)
    assert "redis://qa:***@127.0.0.1" in str(failure.value)


def test_switch_changes_the_connection_used_without_alias(library, namespace):
    library.connect_to_redis(prefix="other:", alias="second")
    library.set_redis_value("k", "v", alias="second")

    previous = library.switch_redis_connection("second")

    assert previous == "default"
    assert library.get_redis_value("k") == "v"
    library.switch_redis_connection(previous)
    library.redis_key_should_not_exist("k")
    library.delete_redis_keys("k", alias="second")


def test_disconnect_from_all_is_safe_twice_and_keywords_then_fail(library):
    library.disconnect_from_all_redis()
    library.disconnect_from_all_redis()

    with pytest.raises(RedisLibraryError, match=r"No Redis connection"):
        library.get_redis_value("x")


def test_values_are_decoded_unless_asked_otherwise(library):
    library.connect_to_redis(decode_responses=False, alias="bytes")
    library.set_redis_value("k", "välue")

    assert library.get_redis_value("k") == "välue"
    assert library.get_redis_value("k", alias="bytes") == "välue".encode()


def test_db_argument_overrides_the_database_in_the_url(private_redis):
    library = RedisLibrary(max_retries=0)
    assert private_redis.url.endswith("/0")
    library.connect_to_redis_from_url(private_redis.url, db=2, prefix="")
    library.set_redis_value("k", "in db 2")
    library.disconnect_from_all_redis()

    db0, db2 = (
        redis.Redis.from_url(private_redis.url[:-1] + db, decode_responses=True, socket_timeout=2) for db in "02"
    )
    assert (db0.get("k"), db2.get("k")) == (None, "in db 2")
    db0.close()
    db2.close()


def test_max_retries_counts_reconnects_after_the_first_attempt():
    calls = []

    def dropped():
        calls.append(1)
        raise redis.exceptions.ConnectionError("dropped")

    with pytest.raises(redis.exceptions.ConnectionError):
        retry_policy(1).call_with_retry(dropped, lambda error: None)
    assert len(calls) == 2
    with pytest.raises(RedisLibraryError, match="max_retries must be 0 or more, got -1"):
        retry_policy(-1)


def test_retries_is_the_deprecated_name_of_max_retries():
    assert RedisLibrary(retries=0).max_retries == 0
    assert RedisLibrary(max_retries=3).max_retries == 3
