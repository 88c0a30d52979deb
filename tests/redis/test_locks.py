from __future__ import annotations

import pytest

from libraries.redis_library.errors import RedisExpectationFailed


def test_a_lock_taken_without_owner_is_held_by_the_token_it_returns(library):
    token = library.acquire_redis_lock("lock:job", ttl="10 s")

    assert token
    assert library.get_redis_lock_owner("lock:job") == token
    library.release_redis_lock("lock:job")
    assert library.get_redis_lock_owner("lock:job") is None


def test_release_of_an_expired_lock_fails(library):
    library.acquire_redis_lock("lock:job", ttl="50 ms", owner="agent-a")
    library.wait_until_redis_key_expires("lock:job", timeout="5 s")

    with pytest.raises(RedisExpectationFailed, match=r"it is not held"):
        library.release_redis_lock("lock:job")


def test_deprecated_argument_names_still_work_and_warn(library, raw, namespace, robot_warnings):
    library.acquire_redis_lock("lock:job", ttl="150 ms", owner="agent-a")
    assert library.acquire_redis_lock("lock:job", ttl="150 ms", wait="5 s", owner="agent-b") == "agent-b"
    library.wait_until_redis_key_expires("lock:job", retry_timeout="5 s")
    library.redis_key_should_not_exist("lock:job")
    library.create_stream_consumer_group("tasks", "workers", start_id="$")
    raw.xadd(f"{namespace.key_prefix}tasks", {"task": "queued"})
    assert len(library.read_stream_as_consumer("tasks", "workers", "agent-a", block="1 s")) == 1

    assert robot_warnings == [
        "Acquire Redis Lock: the argument 'wait' is deprecated, use 'timeout' instead.",
        "Wait Until Redis Key Expires: the argument 'retry_timeout' is deprecated, use 'timeout' instead.",
        "Read Stream As Consumer: the argument 'block' is deprecated, use 'timeout' instead.",
    ]


def test_the_new_names_do_not_warn(library, robot_warnings):
    library.set_redis_value("lease", "held", ttl="100 ms")
    library.wait_until_redis_key_expires("lease", timeout="5 s")

    assert robot_warnings == []
