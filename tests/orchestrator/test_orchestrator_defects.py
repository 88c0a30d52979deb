"""Each seeded defect of ``orchestrator/defects.py`` does what its catalogue line says, and only when switched on.

Only as far as needed to show the switch works: the healthy behaviour is what the other tests of this directory
prove (the same scenario without the defect); whether the kit's suites catch each defect is measured by
``scripts/catch_rate.py``. The memory and connection leaks are proved in
tests/agent_system/test_resources_under_load.py.
"""

from __future__ import annotations

import httpx2
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from orchestrator import defects, health
from orchestrator.defects import CATALOGUE, CAUGHT_BY, Defects
from orchestrator.keys import GROUP, STEP_STREAM
from orchestrator.queues import Queues
from orchestrator.settings import load as load_settings
from orchestrator.store import Store

from ..services.helpers import free_closed_port
from .harness import System, wait_for


def test_every_defect_has_a_symptom_and_the_suites_that_should_catch_it() -> None:
    assert len(CATALOGUE) >= 14
    assert set(CAUGHT_BY) == set(CATALOGUE)
    assert all(CATALOGUE[name] and CAUGHT_BY[name] for name in CATALOGUE)


def test_no_hook_misbehaves_when_no_defect_is_on() -> None:
    healthy = Defects(())
    steps = [{"step_no": 1}, {"step_no": 2}]

    assert healthy.stored_result("answer\n") == "answer\n"
    assert healthy.aggregation_order(steps) == steps
    assert healthy.delivery_limit(3) == 3
    assert healthy.retries_status(429, True) is True
    assert (healthy.claims_idle_entries(), healthy.resumes_running_step(), healthy.enforces_deadlines()) == (
        True,
        True,
        True,
    )
    assert not (healthy.acks_before_work() or healthy.reapplies_ended_step() or healthy.ignores_stored_answer(2))


def test_slow_step_sleeps_a_tenth_of_a_second_per_step(monkeypatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(defects.time, "sleep", slept.append)

    Defects((defects.SLOW_STEP,)).step_started()

    assert slept == [0.1]


def test_stored_result_differs_from_the_final_answer(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.STORED_RESULT_DIFFERS,))
    system.emulator.plan("openai", "Only step")
    system.emulator.script("openai", {"type": "reply", "text": "The outage was DNS."}, stream=False)

    run = system.wait_finished(system.submit())

    assert (run.status, run.result) == ("succeeded", "The outage was DNS")


def test_aggregate_out_of_order_merges_the_last_step_first(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.AGGREGATE_OUT_OF_ORDER,))
    system.emulator.plan("openai", "First step", "Second step")

    run = system.wait_finished(system.submit())

    assert run.status == "succeeded", run.error
    aggregation = [p for p in _prompts(system) if "Step 1:" in p and "Step 2:" in p and "aggregator" in p]
    assert aggregation and aggregation[-1].index("Step 2:") < aggregation[-1].index("Step 1:"), aggregation


def test_accept_truncated_stream_takes_a_cut_stream_as_the_answer(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.ACCEPT_TRUNCATED_STREAM,))
    system.emulator.plan("openai", "Only step")
    system.emulator.script(
        "openai", {"type": "stream_fault", "kind": "truncate", "after_chunks": 1, "times": 1}, stream=True
    )

    run = system.wait_finished(system.submit())

    assert run.status == "succeeded", run.error


def test_no_retry_on_429_fails_the_step_at_the_first_rate_limit(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.NO_RETRY_ON_429,))
    system.emulator.plan("openai", "Only step")
    system.emulator.script("openai", {"type": "fail", "status": 429, "retry_after": 0.1, "times": 1}, stream=True)

    run = system.wait_finished(system.submit())

    assert run.status == "failed", "one 429 was scripted: any retry would have succeeded"
    assert "OpenAI answered 429" in run.error.message, run.error


def test_retry_overloaded_forever_outlasts_the_sdk_retries(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.RETRY_OVERLOADED_FOREVER,))
    system.emulator.plan("openai", "Only step")
    system.emulator.script("openai", {"type": "fail", "status": 503, "retry_after": 0.05, "times": 6}, stream=True)

    run = system.wait_finished(system.submit())

    assert run.status == "succeeded", "six 503s are past the SDK's 3 attempts: only the unbounded loop gets through"


def test_ignore_run_deadline_lets_a_late_run_succeed(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.IGNORE_RUN_DEADLINE,))
    system.emulator.plan("openai", "Slow step")
    system.emulator.script("openai", {"type": "delay", "seconds": 2, "times": 1}, stream=True)

    run = system.wait_finished(system.submit(deadline_s=1), timeout=20)

    assert run.status == "succeeded", run.error


def test_succeed_before_steps_applied_leaves_a_step_open_in_a_succeeded_run(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.SUCCEED_BEFORE_STEPS_APPLIED,))
    system.emulator.plan("openai", "First step", "Second step", "Third step")

    run = system.wait_finished(system.submit())

    assert run.status == "succeeded", run.error
    assert sorted(step.applied for step in run.steps) == [0, 1, 1], run.steps


def test_stale_cache_on_finish_leaves_the_cached_copy_behind(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.STALE_CACHE_ON_FINISH,))
    run_id = system.submit()

    system.wait_finished(run_id)

    assert system.adapter.cached_status(run_id) == "aggregating"


def test_reconcile_wrong_way_copies_a_corrupted_cache_into_postgresql(start_system) -> None:
    system: System = start_system(workers=1, defects=(defects.RECONCILE_WRONG_WAY,))
    run_id = system.submit()
    system.wait_finished(run_id)

    system.adapter.corrupt_cached_run(run_id, result="a result nobody answered")

    wait_for(lambda: system.adapter.run(run_id).result == "a result nobody answered", 10, "the wrong-way repair")


def test_poison_retried_forever_is_never_dead_lettered(start_system) -> None:
    system: System = start_system(
        workers=1, visibility_timeout_s=0.3, max_deliveries=1, defects=(defects.POISON_RETRIED_FOREVER,)
    )
    system.emulator.plan("openai", ("Divide", "calculator", "1 / 0"))
    run_id = system.submit()

    wait_for(lambda: _deliveries(system, run_id) >= 4, 30, "four deliveries of the poison step")

    assert system.adapter.run(run_id).status == "running"
    assert system.adapter.dead_letters() == []


def test_never_claim_dead_consumer_leaves_its_entry_pending_for_ever(start_system) -> None:
    system = _worker_killed_at("before_llm", start_system, defects.NEVER_CLAIM_DEAD_CONSUMER)
    dead = system.adapter.worker_processes()[0].name
    system.adapter.start_worker()

    wait_for(lambda: _pending(system, idle_ms=2000), 30, "the step's entry to sit idle for four visibility timeouts")

    assert [entry["consumer"] for entry in _pending(system)] == [dead]


def test_no_resume_after_crash_drops_the_step_a_killed_worker_held(start_system) -> None:
    system = _worker_killed_at("before_llm", start_system, defects.NO_RESUME_AFTER_CRASH)
    system.adapter.start_worker()

    wait_for(lambda: not _pending(system), 30, "the survivor to take the step's entry (and drop it)")

    run = system.adapter.run(system.adapter.stored_statuses().popitem()[0])
    assert (run.status, run.steps[0].status) == ("running", "running")


def test_ack_before_commit_loses_the_step_of_a_crashed_worker(start_system) -> None:
    system = _worker_killed_at("after_llm", start_system, defects.ACK_BEFORE_COMMIT)

    assert _pending(system) == [], "the step's message was acknowledged before its work: nothing to redeliver"


def test_reapply_redelivered_step_applies_a_committed_step_twice(start_system) -> None:
    system: System = start_system(workers=0, visibility_timeout_s=0.5, defects=(defects.REAPPLY_REDELIVERED_STEP,))
    system.emulator.plan("openai", "First step", "Second step")
    system.adapter.start_worker(failpoint="after_commit")
    run_id = system.submit()
    doomed = system.adapter.worker_processes()[0]
    wait_for(lambda: doomed.poll() is not None, 30, "the worker to kill itself after its commit")
    system.emulator.script("openai", {"type": "delay", "seconds": 3, "times": 1}, stream=True)
    system.adapter.start_worker()  # one takes the slow second step, the other the first step's redelivery
    system.adapter.start_worker()

    run = system.wait_finished(run_id)

    assert run.steps[0].applied == 2, run.steps


def test_restart_step_from_scratch_asks_the_llm_again_without_recording_it(start_system) -> None:
    system: System = start_system(workers=0, visibility_timeout_s=0.5, defects=(defects.RESTART_STEP_FROM_SCRATCH,))
    system.emulator.plan("openai", "Only step")
    system.adapter.start_worker(failpoint="after_llm")
    run_id = system.submit()
    doomed = system.adapter.worker_processes()[0]
    wait_for(lambda: doomed.poll() is not None, 30, "the worker to kill itself after its LLM call")
    system.adapter.start_worker()

    run = system.wait_finished(run_id)

    worker_prompts = [p for p in _prompts(system) if "Step 1: Only step" in p and "worker agent" in p]
    assert (run.status, run.steps[0].llm_calls, len(worker_prompts)) == ("succeeded", 1, 2), worker_prompts


@pytest.mark.parametrize(("switched_on", "status"), [((), "down"), ((defects.HEALTH_OK_WHILE_REDIS_DOWN,), "ok")])
def test_health_ok_while_redis_down_reports_the_last_answer(services, namespace, switched_on, status) -> None:
    settings = load_settings(
        {
            "ORCH_DATABASE_URL": services.database_url,
            "ORCH_REDIS_URL": services.redis_url,
            "ORCH_SCHEMA": namespace.schema,
            "ORCH_KEY_PREFIX": namespace.key_prefix,
            "ORCH_WORKERS": "1",
            "ORCH_DEGRADED_LATENCY": "5",
            "ORCH_OPENAI_BASE_URL": f"{services.llm_emulator_url}/v1",
            "ORCH_ANTHROPIC_BASE_URL": f"{services.llm_emulator_url}/anthropic",
            "ORCHESTRATOR_DEFECTS": ",".join(switched_on),
        }
    )
    db, queues = Store(settings), Queues(settings)
    db.open()
    try:
        queues.heartbeat("agent-test", {"name": "agent-test"}, ttl_s=30)
        at_rest = health.report(settings, db, queues, Defects(switched_on))
        assert at_rest["status"] == "ok", at_rest
        queues.redis = redis.Redis(port=free_closed_port(), retry=Retry(NoBackoff(), 0))  # Redis is gone

        assert health.report(settings, db, queues, Defects(switched_on))["status"] == status
    finally:
        queues.close()
        db.close()


def _prompts(system: System) -> list[str]:
    records = httpx2.get(f"{system.emulator.root_url}/_llmock/requests", timeout=10).json()["requests"]
    return [str(r.get("body") or r) for r in records if (r.get("model") or "").endswith(system.emulator.scope)]


def _deliveries(system: System, run_id: str) -> int:
    steps = system.adapter.run(run_id).steps
    return steps[0].deliveries if steps else 0


def _worker_killed_at(failpoint: str, start_system, defect: str) -> System:
    """A system whose only worker SIGKILLed itself at `failpoint` of the one step of a submitted run."""
    system: System = start_system(workers=0, visibility_timeout_s=0.5, defects=(defect,))
    system.emulator.plan("openai", "Only step")
    system.adapter.start_worker(failpoint=failpoint)
    system.submit()
    doomed = system.adapter.worker_processes()[0]
    wait_for(lambda: doomed.poll() is not None, 30, f"the worker to kill itself at {failpoint}")
    return system


def _pending(system: System, idle_ms: int = 0) -> list[dict]:
    """Entries of the steps stream delivered and not acknowledged, idle at least `idle_ms`."""
    key = system.adapter._keys.stream(STEP_STREAM)
    return system.adapter._redis.xpending_range(key, GROUP, min="-", max="+", count=10, idle=idle_ms)
