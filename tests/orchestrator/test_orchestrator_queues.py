"""The orchestrator's Redis side on the run's real Redis: the keys it writes, cache repairs that keep newer statuses."""

from __future__ import annotations

from orchestrator.keys import STATUS_FIELD, Keys
from orchestrator.queues import Queues
from orchestrator.settings import load
from orchestrator.states import RunStatus


def _queues(services, namespace) -> Queues:
    return Queues(
        load(
            {
                "ORCH_DATABASE_URL": services.database_url,
                "ORCH_REDIS_URL": services.redis_url,
                "ORCH_KEY_PREFIX": namespace.key_prefix,
            }
        )
    )


def test_a_repair_writes_the_stored_status_over_a_stale_one(services, namespace) -> None:
    queues = _queues(services, namespace)
    queues.cache_status("run-1", "running")

    assert queues.repair_status("run-1", lambda: "succeeded") is True
    assert queues.cached_statuses(["run-1"]) == {"run-1": "succeeded"}


def test_a_repair_leaves_a_status_an_agent_cached_meanwhile(services, namespace) -> None:
    queues = _queues(services, namespace)
    queues.cache_status("run-1", "running")

    def stored_status_while_an_agent_caches_a_newer_one() -> str:
        queues.cache_status("run-1", "succeeded")  # an agent commits and caches between the two reads
        return "aggregating"

    assert queues.repair_status("run-1", stored_status_while_an_agent_caches_a_newer_one) is False
    assert queues.cached_statuses(["run-1"]) == {"run-1": "succeeded"}


def test_the_cache_and_heartbeats_live_at_the_keys_the_layout_names(services, namespace) -> None:
    queues = _queues(services, namespace)
    keys = Keys(namespace.key_prefix)

    queues.cache_status("run-1", RunStatus.SUCCEEDED)
    queues.heartbeat("agent-a", {"name": "agent-a"}, ttl_s=30)

    assert queues.redis.hget(keys.run_status("run-1"), STATUS_FIELD) == "succeeded"
    assert queues.redis.get(keys.heartbeat("agent-a")) == '{"name": "agent-a"}'
    assert [worker["name"] for worker in queues.live_workers()] == ["agent-a"]
