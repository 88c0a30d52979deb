"""The orchestrator's Redis side on the run's real Redis: the keys it writes, cached run copies that never go back."""

from __future__ import annotations

from orchestrator.keys import RUN_CACHE, STATUS_FIELD, Keys, result_digest
from orchestrator.queues import Queues
from orchestrator.settings import load
from orchestrator.store import Message


def _queues(services, namespace, **settings: str) -> Queues:
    return Queues(
        load(
            {
                "ORCH_DATABASE_URL": services.database_url,
                "ORCH_REDIS_URL": services.redis_url,
                "ORCH_KEY_PREFIX": namespace.key_prefix,
                **settings,
            }
        )
    )


def _copy(version: int, status: str = "running", result: str | None = None) -> dict:
    return {
        "run_id": "run-1",
        "status": status,
        "step_count": 2,
        "result_digest": result_digest(result),
        "result": result,
        "finished_at": None,
        "version": version,
    }


def test_a_run_copy_replaces_an_older_one_whole_and_lives_for_the_ttl(services, namespace) -> None:
    queues = _queues(services, namespace, ORCH_RUN_CACHE_TTL="60")
    queues.write_run_copy(_copy(1, "aggregating", result="draft"))

    assert queues.write_run_copy(_copy(2, "succeeded")) is True
    cached = queues.cached_runs(["run-1"])["run-1"]
    assert {name: cached.get(name) for name in ("status", "step_count", "result", "version")} == {
        "status": "succeeded",
        "step_count": "2",
        "result": None,
        "version": "2",
    }
    assert 0 < queues.redis.pttl(Keys(namespace.key_prefix).run("run-1")) <= 60_000


def test_an_older_run_copy_never_overwrites_a_newer_one(services, namespace) -> None:
    queues = _queues(services, namespace)
    queues.write_run_copy(_copy(3, "succeeded", result="final"))

    assert queues.write_run_copy(_copy(2, "aggregating")) is False
    assert queues.cached_runs(["run-1"])["run-1"]["status"] == "succeeded"


def test_a_run_copy_published_as_an_outbox_row_is_written_to_the_cache(services, namespace) -> None:
    queues = _queues(services, namespace)

    queues.publish([Message(7, RUN_CACHE, _copy(1, "succeeded", result="answer"))])

    cached = queues.cached_runs(["run-1"])["run-1"]
    assert (cached["result"], cached["result_digest"]) == ("answer", result_digest("answer"))
    assert not queues.redis.exists(queues.keys.stream(RUN_CACHE))


def test_the_cache_and_heartbeats_live_at_the_keys_the_layout_names(services, namespace) -> None:
    queues = _queues(services, namespace)
    keys = Keys(namespace.key_prefix)

    queues.write_run_copy(_copy(1, "succeeded"))
    queues.heartbeat("agent-a", {"name": "agent-a"}, ttl_s=30)

    assert queues.redis.hget(keys.run_status("run-1"), STATUS_FIELD) == "succeeded"
    assert queues.redis.get(keys.heartbeat("agent-a")) == '{"name": "agent-a"}'
    assert [worker["name"] for worker in queues.live_workers()] == ["agent-a"]
