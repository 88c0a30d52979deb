"""Status changes on the run's real PostgreSQL: the transition table is what the store enforces, illegal moves raise,
and a move another process made first (a redelivery, a cancel) is a quiet no-op under the run's row lock."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from itertools import product

import pytest

from orchestrator import store
from orchestrator.settings import load
from orchestrator.states import RUN_TRANSITIONS, STEP_TRANSITIONS, IllegalTransition, RunStatus, StepStatus
from orchestrator.store import Store

from .harness import wait_for

P, R, A, S, F, C = (
    RunStatus.PENDING,
    RunStatus.RUNNING,
    RunStatus.AGGREGATING,
    RunStatus.SUCCEEDED,
    RunStatus.FAILED,
    RunStatus.CANCELLED,
)
LIFECYCLE = {P: {R, F, C}, R: {A, F, C}, A: {S, F, C}, S: set(), F: set(), C: set()}
"""The run lifecycle as orchestrator/README.md describes it."""
ALREADY_DONE = {R: {R, A, S, F, C}, A: {A, S, F, C}, S: {S, F, C}, F: {S, F, C}, C: {S, F, C}, P: set()}
"""Per target: the statuses at which a move there was made already or overtaken (the run moved on or ended)."""


@pytest.fixture
def db(services, namespace) -> Iterator[Store]:
    settings = load(
        {
            "ORCH_DATABASE_URL": services.database_url,
            "ORCH_REDIS_URL": services.redis_url,
            "ORCH_SCHEMA": namespace.schema,
        }
    )
    orchestrator_store = Store(settings, max_connections=3)
    orchestrator_store.open()
    orchestrator_store.migrate()
    yield orchestrator_store
    orchestrator_store.close()


def test_the_transition_table_is_the_documented_lifecycle() -> None:
    assert RUN_TRANSITIONS == LIFECYCLE
    open_steps = {StepStatus.RUNNING, StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.CANCELLED}
    step_lifecycle = {
        StepStatus.PENDING: open_steps,
        StepStatus.RUNNING: open_steps,  # a redelivered step starts again
        StepStatus.SUCCEEDED: set(),
        StepStatus.FAILED: set(),
        StepStatus.CANCELLED: set(),
    }
    assert step_lifecycle == STEP_TRANSITIONS


def test_the_statuses_are_the_words_the_database_accepts(db: Store) -> None:
    with db.transaction() as connection:
        checks = {
            row["relation"]: row["definition"]
            for row in connection.execute(
                "SELECT conrelid::regclass::text AS relation, pg_get_constraintdef(oid) AS definition "
                "FROM pg_constraint WHERE contype = 'c' AND conrelid IN ('runs'::regclass, 'steps'::regclass) "
                "AND pg_get_constraintdef(oid) LIKE '%status%'"
            )
        }

    assert _quoted_words(checks["runs"]) == {status.value for status in RunStatus}
    assert _quoted_words(checks["steps"]) == {status.value for status in StepStatus}


@pytest.mark.parametrize(("current", "target"), list(product(RunStatus, RunStatus)), ids=lambda s: s.value)
def test_a_transition_moves_a_run_only_where_the_table_allows(db: Store, current: RunStatus, target: RunStatus) -> None:
    run_id = _run_at(db, current)

    with db.transaction() as connection:
        if target in LIFECYCLE[current]:
            assert store.transition(connection, run_id, target) is True
        elif current in ALREADY_DONE[target]:
            assert store.transition(connection, run_id, target) is False
        else:
            with pytest.raises(IllegalTransition, match=f"^run {run_id} cannot go from {current} to {target}$"):
                store.transition(connection, run_id, target)

    expected = target if target in LIFECYCLE[current] else current
    assert _run(db, run_id)["status"] == expected


def test_an_illegal_transition_raises_and_changes_nothing(db: Store) -> None:
    run_id = _run_at(db, RunStatus.RUNNING)

    with pytest.raises(IllegalTransition) as raised, db.transaction() as connection:
        store.transition(connection, run_id, RunStatus.SUCCEEDED, result="skipped the aggregator")

    assert str(raised.value) == f"run {run_id} cannot go from running to succeeded"
    run = _run(db, run_id)
    assert (run["status"], run["result"], run["finished_at"]) == ("running", None, None)


def test_a_transition_sets_its_fields_and_the_finish_time_of_an_ending(db: Store) -> None:
    run_id = _run_at(db, RunStatus.PENDING)

    with db.transaction() as connection:
        store.transition(connection, run_id, RunStatus.RUNNING)
    running = _run(db, run_id)
    with db.transaction() as connection:
        store.transition(connection, run_id, RunStatus.FAILED, error="the model is away")
    failed = _run(db, run_id)

    assert running["finished_at"] is None
    assert failed["error"] == "the model is away" and failed["finished_at"] is not None


def test_a_transition_sets_nothing_but_the_result_and_the_error(db: Store) -> None:
    run_id = _run_at(db, RunStatus.PENDING)

    with pytest.raises(ValueError, match="not goal"), db.transaction() as connection:
        store.transition(connection, run_id, RunStatus.RUNNING, goal="another goal")


def test_a_redelivered_message_finds_the_move_made_while_it_waited_for_the_row_lock(db: Store) -> None:
    run_id = _run_at(db, RunStatus.PENDING)
    second: dict[str, object] = {}

    def redelivery() -> None:
        with db.transaction() as connection:
            second["pid"] = connection.info.backend_pid
            second["moved"] = store.transition(connection, run_id, RunStatus.RUNNING)

    with db.transaction() as first:
        assert store.transition(first, run_id, RunStatus.RUNNING) is True
        thread = threading.Thread(target=redelivery)
        thread.start()
        wait_for(lambda: _waits_for_a_lock(db, second.get("pid")), 10, "the second delivery to wait for the row lock")
    thread.join(timeout=10)

    assert second["moved"] is False
    assert _run(db, run_id)["status"] == "running"


def test_an_unknown_run_is_not_moved(db: Store) -> None:
    with db.transaction() as connection:
        assert store.transition(connection, "00000000-0000-0000-0000-000000000000", RunStatus.FAILED) is False


@pytest.mark.parametrize("current", list(StepStatus), ids=lambda s: s.value)
def test_step_updates_move_only_open_steps(db: Store, current: StepStatus) -> None:
    run_id = _run_at(db, RunStatus.RUNNING)
    with db.transaction() as connection:
        store.add_steps(connection, run_id, [{"description": f"step {n}", "tool": "none", "input": ""} for n in (1, 2)])
        connection.execute("UPDATE steps SET status = %s WHERE run_id = %s", (current.value, run_id))

    with db.transaction() as connection:
        started = store.start_step(connection, run_id, 1, "agent-a")
        applied = store.apply_step_result(connection, run_id, 1, "done", "agent-a")
        failed = store.fail_step(connection, run_id, 2, "broken")

    open_step = current in (StepStatus.PENDING, StepStatus.RUNNING)
    assert (started, applied, failed) == (open_step, open_step, open_step)
    steps = _steps(db, run_id)
    expected = ("succeeded", "failed") if open_step else (current.value, current.value)
    assert (steps[0]["status"], steps[1]["status"]) == expected
    assert steps[0]["applied"] == (1 if open_step else 0)


def test_a_step_counts_every_delivery_that_starts_it(db: Store) -> None:
    run_id = _run_at(db, RunStatus.RUNNING)
    with db.transaction() as connection:
        store.add_steps(connection, run_id, [{"description": "only step", "tool": "none", "input": ""}])

    with db.transaction() as connection:
        store.start_step(connection, run_id, 1, "agent-a")
        store.start_step(connection, run_id, 1, "agent-b")

    step = _steps(db, run_id)[0]
    assert (step["status"], step["deliveries"], step["worker"]) == ("running", 2, "agent-b")


def test_ending_a_run_cancels_its_open_steps_only(db: Store) -> None:
    run_id = _run_at(db, RunStatus.RUNNING)
    with db.transaction() as connection:
        store.add_steps(connection, run_id, [{"description": f"step {n}", "tool": "none", "input": ""} for n in (1, 2)])
        store.apply_step_result(connection, run_id, 1, "done", "agent-a")

    with db.transaction() as connection:
        assert store.finish_run(connection, run_id, RunStatus.CANCELLED, error="cancelled on request") is True
        assert store.finish_run(connection, run_id, RunStatus.FAILED, error="too late") is False

    assert [step["status"] for step in _steps(db, run_id)] == ["succeeded", "cancelled"]
    assert _run(db, run_id)["error"] == "cancelled on request"


def _run_at(db: Store, status: RunStatus) -> str:
    with db.transaction() as connection:
        run, _message = store.create_run(connection, "a goal", "openai", "gpt-4o-mini", 300)
        connection.execute("UPDATE runs SET status = %s WHERE id = %s", (status.value, run["id"]))
    return str(run["id"])


def _run(db: Store, run_id: str) -> dict:
    with db.transaction() as connection:
        return store.get_run(connection, run_id)


def _steps(db: Store, run_id: str) -> list[dict]:
    with db.transaction() as connection:
        return store.get_steps(connection, run_id)


def _waits_for_a_lock(db: Store, pid: object) -> bool:
    if pid is None:
        return False
    with db.transaction() as connection:
        row = connection.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
    return row is not None and row["wait_event_type"] == "Lock"


def _quoted_words(definition: str) -> set[str]:
    return set(re.findall(r"'(\w+)'", definition))
