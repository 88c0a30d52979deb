from __future__ import annotations

import threading

import pytest

from libraries.redis_library.errors import RedisExpectationFailed


def test_list_is_fifo_and_blocking_pop_waits_for_a_push(library, raw, namespace):
    library.push_to_redis_list("jobs", "a", "b")
    assert library.pop_from_redis_list("jobs") == "a"
    assert library.get_redis_list("jobs") == ["b"]
    library.pop_from_redis_list("jobs")

    pusher = threading.Timer(0.1, raw.rpush, (f"{namespace.key_prefix}jobs", "late"))
    pusher.start()
    assert library.pop_from_redis_list("jobs", timeout="5 s") == "late"
    pusher.join()


def test_blocking_pop_longer_than_socket_timeout_does_not_time_out(library):
    library.connect_to_redis(socket_timeout="200 ms", alias="short")

    with pytest.raises(RedisExpectationFailed, match=r"Redis list 'empty' had no item to pop within 500ms."):
        library.pop_from_redis_list("empty", timeout="500 ms", alias="short")


def test_stream_entries_of_a_dead_consumer_are_claimed_and_none_is_lost(library):
    library.create_stream_consumer_group("tasks", "workers")
    ids = [library.add_to_redis_stream("tasks", task=name) for name in ("plan", "act")]
    taken = library.read_stream_as_consumer("tasks", "workers", "agent-a")
    assert [entry["id"] for entry in taken] == ids

    library.wait_until_pending_stream_entries_are_idle("tasks", "workers", "50 ms", consumer="agent-a")
    claimed = library.claim_idle_stream_entries("tasks", "workers", "agent-b", "50 ms")
    pending = library.get_pending_stream_entries("tasks", "workers")

    assert [entry["fields"]["task"] for entry in claimed] == ["plan", "act"]
    assert {entry["consumer"] for entry in pending} == {"agent-b"}
    assert all(entry["deliveries"] == 2 for entry in pending)
    assert library.acknowledge_stream_entries("tasks", "workers", *ids) == 2
    assert library.get_pending_stream_entry_count("tasks", "workers") == 0


def test_read_as_consumer_blocks_until_an_entry_arrives(library, raw, namespace):
    library.create_stream_consumer_group("tasks", "workers", start_id="$")
    adder = threading.Timer(0.1, raw.xadd, (f"{namespace.key_prefix}tasks", {"task": "late"}))
    adder.start()

    entries = library.read_stream_as_consumer("tasks", "workers", "agent-a", timeout="5 s")

    adder.join()
    assert [entry["fields"] for entry in entries] == [{"task": "late"}]


def test_pubsub_delivers_per_channel_and_times_out(library):
    library.connect_to_redis(alias="listener")
    library.subscribe_to_redis_channels("a", "b", alias="listener")

    assert library.publish_redis_message("b", "to-b") == 1
    library.publish_redis_message("a", "to-a")

    assert library.wait_for_redis_message("a", timeout="2 s", alias="listener") == "to-a"
    assert library.wait_for_redis_message("b", timeout="2 s", alias="listener") == "to-b"
    with pytest.raises(RedisExpectationFailed, match=r"No message arrived on channel 'a' within 100ms."):
        library.wait_for_redis_message("a", timeout="100 ms", alias="listener")


def test_channels_are_namespaced(library, raw, namespace):
    library.subscribe_to_redis_channels("events")

    assert raw.publish("events", "not ours") == 0
    assert raw.publish(f"{namespace.key_prefix}events", "ours") == 1
    assert library.wait_for_redis_message("events", timeout="2 s") == "ours"
