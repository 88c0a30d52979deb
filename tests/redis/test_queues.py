from __future__ import annotations

import threading

import pytest

from libraries.redis_library.errors import RedisExpectationFailed


def test_blocking_pop_waits_for_a_later_push(library, raw, namespace):
    pusher = threading.Timer(0.1, raw.rpush, (f"{namespace.key_prefix}jobs", "late"))
    pusher.start()
    assert library.pop_from_redis_list("jobs", timeout="5 s") == "late"
    pusher.join()


def test_claimed_entries_change_owner_and_count_their_deliveries(library):
    library.create_stream_consumer_group("tasks", "workers")
    ids = [library.add_to_redis_stream("tasks", task=name) for name in ("plan", "act")]
    taken = library.read_stream_as_consumer("tasks", "workers", "agent-a")
    assert [entry["id"] for entry in taken] == ids

    library.wait_until_pending_stream_entries_are_idle("tasks", "workers", "50 ms", consumer="agent-a")
    library.claim_idle_stream_entries("tasks", "workers", "agent-b", "50 ms")
    pending = library.get_pending_stream_entries("tasks", "workers")

    assert {entry["consumer"] for entry in pending} == {"agent-b"}
    assert all(entry["deliveries"] == 2 for entry in pending)
    assert library.acknowledge_stream_entries("tasks", "workers", *ids) == 2


def test_read_as_consumer_blocks_until_an_entry_arrives(library, raw, namespace):
    library.create_stream_consumer_group("tasks", "workers", start_id="$")
    adder = threading.Timer(0.1, raw.xadd, (f"{namespace.key_prefix}tasks", {"task": "late"}))
    adder.start()

    entries = library.read_stream_as_consumer("tasks", "workers", "agent-a", timeout="5 s")

    adder.join()
    assert [entry["fields"] for entry in entries] == [{"task": "late"}]


def test_channels_are_namespaced(library, raw, namespace):
    library.subscribe_to_redis_channels("events")

    assert raw.publish("events", "not ours") == 0
    assert raw.publish(f"{namespace.key_prefix}events", "ours") == 1
    assert library.wait_for_redis_message("events", timeout="2 s") == "ours"


def test_all_entries_acknowledged_passes_only_once_none_is_pending(library):
    library.create_stream_consumer_group("tasks", "workers")
    ids = [library.add_to_redis_stream("tasks", task=name) for name in ("plan", "act")]
    library.read_stream_as_consumer("tasks", "workers", "agent-a")

    with pytest.raises(RedisExpectationFailed, match=r"should have acknowledged every entry, but 2 are pending"):
        library.all_stream_entries_should_be_acknowledged("tasks", "workers", retry_timeout="100 ms")
    library.acknowledge_stream_entries("tasks", "workers", ids[0])
    with pytest.raises(RedisExpectationFailed, match=r"but 1 are pending"):
        library.all_stream_entries_should_be_acknowledged("tasks", "workers", consumer="agent-a")
    library.acknowledge_stream_entries("tasks", "workers", ids[1])
    library.all_stream_entries_should_be_acknowledged("tasks", "workers")
