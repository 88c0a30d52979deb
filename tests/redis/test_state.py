from __future__ import annotations

import pytest
from assertionengine import AssertionOperator as Op

from libraries.redis_library.errors import KeyMissing, RedisExpectationFailed, RedisLibraryError, WrongType


def test_getter_asserts_inline_and_returns_the_value(library):
    library.set_redis_value("agent:1:status", "running")

    assert library.get_redis_value("agent:1:status", Op["=="], "running") == "running"
    with pytest.raises(AssertionError, match=r"Redis key 'agent:1:status' 'running' \(str\) should be 'idle'"):
        library.get_redis_value("agent:1:status", Op["=="], "idle")
    with pytest.raises(AssertionError, match=r"^custom text$"):
        library.get_redis_value("agent:1:status", Op["=="], "idle", "custom text")


def test_missing_key_names_key_and_expectation(library):
    with pytest.raises(KeyMissing, match=r"Redis key 'agent:2' does not exist \(expected == 'running'\)\."):
        library.get_redis_value("agent:2", Op["=="], "running")


def test_wrong_type_names_key_and_both_types(library):
    library.set_hash_fields("agent:3", status="running")

    with pytest.raises(WrongType, match=r"Redis key 'agent:3' holds a hash, but GET expects a string."):
        library.get_redis_value("agent:3")


def test_retry_timeout_polls_until_the_assertion_holds(library):
    library.set_redis_value("lease", "held", ttl="150 ms")

    library.redis_key_should_not_exist("lease", retry_timeout="3 s")

    with pytest.raises(
        RedisExpectationFailed, match=r"^Redis key 'never' does not exist, but it should exist\. \(waited \d+ms\)$"
    ):
        library.redis_key_should_exist("never", retry_timeout="100 ms")


def test_hash_fields_and_whole_hash(library):
    library.set_hash_fields("agent:4", {"status": "waiting"}, step=3)

    assert library.get_hash_field("agent:4", "step", Op["=="], "3") == "3"
    assert library.get_hash("agent:4") == {"status": "waiting", "step": "3"}
    with pytest.raises(RedisExpectationFailed, match=r"has no field 'model'.*fields are: status, step"):
        library.get_hash_field("agent:4", "model")


def test_json_document_round_trips_as_dict(library):
    plan = {"goal": "summarise", "steps": [1, 2], "done": False}
    library.set_json_document("agent:5:plan", plan)

    assert library.get_json_document("agent:5:plan", Op["=="], '{"goal": "summarise", "steps": [1, 2], "done": false}')
    assert library.get_json_document("agent:5:plan") == plan
    with pytest.raises(RedisLibraryError, match=r"^assertion_expected for key 'agent:5:plan' is not valid JSON"):
        library.get_json_document("agent:5:plan", Op["=="], "{goal: summarise}")


def test_counter_counts_from_zero_and_compares_numbers(library):
    assert library.get_redis_counter("steps") == 0
    library.increment_redis_counter("steps", 5)
    library.increment_redis_counter("steps", -2)

    assert library.get_redis_counter("steps", Op[">="], "3") == 3


def test_ttl_in_milliseconds_and_seconds(library):
    library.set_redis_value("heartbeat", "alive", ttl="250 ms")
    library.set_redis_value("session", "open")
    library.set_redis_ttl("session", "10 s")

    assert 0 < library.get_ttl("heartbeat", Op["<="], "250 ms") <= 0.25
    assert 9 < library.get_ttl("session", Op["<="], "10 s") <= 10
    library.wait_until_redis_key_expires("heartbeat", timeout="5 s")
    library.redis_key_should_not_exist("heartbeat")


def test_persistent_key_has_no_ttl_and_fails_a_ttl_assertion(library):
    library.set_redis_value("forever", "x")

    assert library.get_ttl("forever") is None
    with pytest.raises(RedisExpectationFailed, match=r"Redis key 'forever' never expires"):
        library.get_ttl("forever", Op["<="], "10 s")


def test_wait_until_expires_fails_with_the_ttl_left(library):
    library.set_redis_value("slow", "x", ttl="1 min")

    with pytest.raises(RedisExpectationFailed, match=r"did not expire within 100ms: \d+ ms left\. \(waited \d+ms\)$"):
        library.wait_until_redis_key_expires("slow", timeout="100 ms")


def test_ttl_on_missing_key_fails(library):
    with pytest.raises(KeyMissing, match=r"Cannot set a TTL on Redis key 'ghost'"):
        library.set_redis_ttl("ghost", "1 s")
