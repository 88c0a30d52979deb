from __future__ import annotations

import threading
import time

import pytest

from libraries.common import wait_until
from libraries.redis_library.errors import RedisLibraryError, TransactionAborted


def test_pipeline_returns_results_and_refuses_reads_while_open(library):
    library.start_redis_pipeline()
    assert library.set_redis_value("a", "1") is None
    library.increment_redis_counter("n")
    with pytest.raises(RedisLibraryError, match=r"cannot read while a pipeline is open"):
        library.get_redis_value("a")
    with pytest.raises(RedisLibraryError, match=r"^Redis Key Should Not Exist cannot read"):
        library.redis_key_should_not_exist("a")

    assert library.execute_redis_pipeline() == [True, 1]
    assert library.get_redis_value("a") == "1"


def test_optimistic_update_retries_when_another_client_interferes(library, raw, namespace):
    interfered = []

    def update(value):
        if not interfered:
            interfered.append(True)
            raw.set(f"{namespace.key_prefix}budget", "50")
        return int(value) - 10

    library.set_redis_value("budget", "100")
    result = library.update_redis_value_optimistically("budget", update)

    assert result == {"value": 40, "retries": 1}
    assert library.get_redis_counter("budget") == 40


def test_optimistic_update_gives_up_after_max_retries(library, raw, namespace):
    def always_interfere(value):
        raw.incr(f"{namespace.key_prefix}n")
        return 0

    with pytest.raises(TransactionAborted, match=r"'n' gave up after 2 retries"):
        library.update_redis_value_optimistically("n", always_interfere, max_retries=2)
    with pytest.raises(TransactionAborted, match=r"^Optimistic update of Redis key 'n' gave up after 1 retries"):
        library.run_concurrent_optimistic_updates("n", always_interfere, workers=1, max_retries=1)


def test_lua_script_gets_prefixed_keys_and_runs_atomically(library, raw, namespace):
    library.register_redis_script("claim", "return redis.call('SET', KEYS[1], ARGV[1], 'NX') and KEYS[1] or false")

    assert library.run_redis_script("claim", "agent-a", keys=["job:1"]) == f"{namespace.key_prefix}job:1"
    assert library.run_redis_script("claim", "agent-b", keys=["job:1"]) is None
    assert raw.get(f"{namespace.key_prefix}job:1") == "agent-a"
    with pytest.raises(RedisLibraryError, match=r"No Redis script named 'other'.*registered: claim"):
        library.run_redis_script("other")


def test_concurrent_updates_fail_within_their_timeout_and_the_workers_stop(library):
    release = threading.Event()
    threads_before = threading.active_count()

    def stuck(value):
        release.wait(10)
        return int(value or 0) + 1

    started = time.monotonic()
    try:
        with pytest.raises(TransactionAborted, match=r"key 'done' did not end within 200ms"):
            library.run_concurrent_optimistic_updates("done", stuck, workers=2, updates_per_worker=5, timeout="200 ms")
        assert time.monotonic() - started < 5
    finally:
        release.set()
    wait_until(lambda: threading.active_count() <= threads_before, 5, pause=0.01, message="The workers did not stop")
    assert threading.active_count() == threads_before
    assert library.get_redis_counter("done") <= 2
