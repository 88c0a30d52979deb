from __future__ import annotations

import pytest
from assertionengine import AssertionOperator as Op

from libraries.redis_library.errors import KeyMissing, RedisExpectationFailed, RedisLibraryError


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


def test_wait_until_expires_fails_with_the_ttl_left(library):
    library.set_redis_value("slow", "x", ttl="1 min")

    with pytest.raises(RedisExpectationFailed, match=r"did not expire within 100ms: \d+ ms left\. \(waited \d+ms\)$"):
        library.wait_until_redis_key_expires("slow", timeout="100 ms")


def test_ttl_on_missing_key_fails(library):
    with pytest.raises(KeyMissing, match=r"Cannot set a TTL on Redis key 'ghost'"):
        library.set_redis_ttl("ghost", "1 s")


def test_retry_timeout_polls_until_the_assertion_holds(library):
    library.set_redis_value("lease", "held", ttl="150 ms")

    library.redis_key_should_not_exist("lease", retry_timeout="3 s")

    with pytest.raises(
        RedisExpectationFailed, match=r"^Redis key 'never' does not exist, but it should exist\. \(waited \d+ms\)$"
    ):
        library.redis_key_should_exist("never", retry_timeout="100 ms")
