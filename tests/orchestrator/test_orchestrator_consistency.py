"""PostgreSQL and Redis agree; a Redis that lost everything is rebuilt from PostgreSQL with nothing lost."""

from __future__ import annotations

from libraries.agent_system.contract import result_digest
from orchestrator.keys import RUN_CACHE, Keys

from .harness import System, wait_for


def test_after_runs_finish_the_cache_agrees_with_the_database(start_system) -> None:
    system: System = start_system(workers=2)
    run_ids = [system.submit(f"Goal {n}") for n in range(5)]
    for run_id in run_ids:
        system.wait_finished(run_id)

    stored = system.adapter.stored_statuses()
    cached = {run_id: system.adapter.cached_status(run_id) for run_id in stored}

    assert set(stored) == set(run_ids)
    assert cached == stored


def test_runs_in_flight_survive_redis_losing_all_its_data(start_system) -> None:
    system: System = start_system(workers=2, visibility_timeout_s=0.5)
    for number in range(3):
        system.emulator.plan("openai", f"Run {number} slow step", f"Run {number} other step")
    system.emulator.script("openai", {"type": "delay", "seconds": 0.5, "times": 6}, stream=True)
    run_ids = [system.submit(f"Goal {n}") for n in range(3)]
    wait_for(lambda: any(step.status == "running" for step in system.adapter.run(run_ids[0]).steps), 20, "a step")

    dropped = system.adapter.drop_cached_state()
    runs = [system.wait_finished(run_id, timeout=60) for run_id in run_ids]

    assert dropped > 0
    assert [run.status for run in runs] == ["succeeded"] * 3, [run.error for run in runs]
    assert [step.applied for run in runs for step in run.steps] == [1] * 6
    wait_for(lambda: all(system.adapter.cached_status(r) == "succeeded" for r in run_ids), 10, "the cache repair")


def test_a_deleted_cache_entry_is_repaired(start_system) -> None:
    system: System = start_system(workers=1)
    run_id = system.submit()
    system.wait_finished(run_id)

    system.adapter._redis.delete(Keys(system.adapter.config.key_prefix).run_status(run_id))

    assert wait_for(lambda: system.adapter.cached_status(run_id), 10, "the reconciler") == "succeeded"


def test_the_cached_copy_of_a_finished_run_is_the_stored_run_and_expires(start_system) -> None:
    system: System = start_system(workers=1)
    system.emulator.plan("openai", "First step", "Second step")
    run_id = system.submit()
    system.wait_finished(run_id)

    stored = system.adapter.stored_run(run_id)
    cached = system.adapter.cached_run(run_id)

    assert stored.status == "succeeded" and stored.step_count == 2
    assert stored.result_digest == result_digest(stored.result)
    assert cached == stored
    ttl_ms = system.adapter._redis.pttl(Keys(system.adapter.config.key_prefix).run(run_id))
    assert 0 < ttl_ms <= 86_400_000


def test_a_crash_between_the_commit_and_the_cache_write_is_repaired_by_the_relay(start_system) -> None:
    system: System = start_system(workers=0, visibility_timeout_s=0.5)
    system.emulator.plan("openai", "Only step")
    system.adapter.start_worker(failpoint="after_commit")
    run_id = system.submit()
    process = system.adapter.worker_processes()[0]
    wait_for(lambda: process.poll() is not None, 30, "the worker to kill itself after its commit")

    cached = wait_for(lambda: system.adapter.cached_run(run_id), 10, "a cached copy")
    wait_for(lambda: system.adapter.cached_run(run_id).status == "aggregating", 10, "the relay")

    published = system.adapter._db.execute(
        "SELECT published_at FROM outbox WHERE stream = %s AND payload->>'run_id' = %s AND payload->>'status' = %s",
        (RUN_CACHE, run_id, "aggregating"),
    ).fetchone()
    assert cached is not None
    assert published["published_at"] is not None, "the copy the crashed worker committed was never published"


def test_the_reconciler_rewrites_a_corrupted_cached_copy_from_postgresql(start_system) -> None:
    system: System = start_system(workers=1)
    run_id = system.submit()
    system.wait_finished(run_id)
    stored = system.adapter.stored_run(run_id)

    system.adapter.corrupt_cached_run(run_id, status="running", result="wrong")

    assert system.adapter.cached_run(run_id).status == "running"
    assert wait_for(lambda: system.adapter.cached_run(run_id) == stored, 10, "the reconciler")


def test_the_reconciler_copies_a_result_changed_in_postgresql_into_the_cache(start_system) -> None:
    system: System = start_system(workers=1)
    run_id = system.submit()
    system.wait_finished(run_id)

    system.adapter.corrupt_stored_result(run_id, "edited by hand")

    copied = wait_for(lambda: system.adapter.cached_run(run_id).result == "edited by hand", 10, "the reconciler")
    assert copied
    assert system.adapter.cached_run(run_id).result_digest == result_digest("edited by hand")
