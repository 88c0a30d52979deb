"""PostgreSQL and Redis agree; a Redis that lost everything is rebuilt from PostgreSQL with nothing lost."""

from __future__ import annotations

from orchestrator.keys import Keys

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
