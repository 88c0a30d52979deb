from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from libraries.postgres_library import WorkersFailedError
from tests.postgres.conftest import sessions_named

READ = "SELECT tokens_used FROM agent_runs WHERE run_id = %(run_id)s"
WRITE = "UPDATE agent_runs SET tokens_used = %(value)s WHERE run_id = %(run_id)s"
CLAIM = (
    "UPDATE agent_tasks SET status = 'claimed', claimed_by = %(worker)s WHERE task_id = ("
    "SELECT task_id FROM agent_tasks WHERE status = 'pending' ORDER BY task_id LIMIT 1 FOR UPDATE SKIP LOCKED"
    ") RETURNING task_id"
)
BUMP = "UPDATE agent_tasks SET attempts = attempts + 1 WHERE idempotency_key = %(key)s"


@pytest.fixture
def run(agent_state, database_library):
    database_library.execute_sql_string("INSERT INTO agent_runs (run_id, agent_name) VALUES ('r1', 'planner')")
    return {"run_id": "r1"}


def tokens(database_library) -> int:
    return database_library.query("SELECT tokens_used FROM agent_runs WHERE run_id = 'r1'")[0][0]


def test_row_lock_keeps_every_increment(agent_state, database_library, run):
    outcome = agent_state.run_concurrent_increments(f"{READ} FOR UPDATE", WRITE, run, workers=8, rounds=4)
    assert outcome == {"increments": 32, "max_same_value_reads": 1}
    assert tokens(database_library) == 32


def test_plain_read_modify_write_loses_all_but_one_increment_per_round(agent_state, database_library, run):
    outcome = agent_state.run_concurrent_increments(READ, WRITE, run, workers=8, rounds=4)
    assert outcome == {"increments": 32, "max_same_value_reads": 8}
    assert tokens(database_library) == 4


def test_skip_locked_hands_each_row_to_one_worker_while_all_hold_claims(agent_state, database_library, run):
    database_library.execute_sql_string(
        "INSERT INTO agent_tasks (run_id, idempotency_key, description) "
        "SELECT 'r1', 'k' || n, 'work' FROM generate_series(1, 13) AS n"
    )
    outcome = agent_state.claim_rows_concurrently(CLAIM, workers=4)
    assert sorted(outcome["claimed"]) == list(range(1, 14))
    assert outcome["duplicates"] == []
    assert outcome["max_parallel_claims"] == 4
    assert sum(outcome["per_worker"].values()) == 13 and len(outcome["per_worker"]) == 4
    assert database_library.query("SELECT count(*) FROM agent_tasks WHERE status = 'claimed'") == [(13,)]


def test_claiming_from_an_empty_queue_claims_nothing(agent_state, run):
    outcome = agent_state.claim_rows_concurrently(CLAIM, workers=3)
    assert outcome["claimed"] == [] and outcome["max_parallel_claims"] == 0


def test_crossing_transactions_deadlock_once_and_both_commit_after_retry(agent_state, database_library, run):
    database_library.execute_sql_string(
        "INSERT INTO agent_tasks (run_id, idempotency_key, description) VALUES ('r1', 'a', 'x'), ('r1', 'b', 'y')"
    )
    outcome = agent_state.run_crossing_transactions(
        BUMP.replace("%(key)s", "'a'"), BUMP.replace("%(key)s", "'b'"), max_retries=2
    )
    assert outcome == {"deadlocks": 1, "attempts": 3}
    assert database_library.query("SELECT idempotency_key, attempts FROM agent_tasks ORDER BY 1") == [
        ("a", 2),
        ("b", 2),
    ]


def test_crossing_transactions_without_retries_fail_clearly(agent_state, database_library, run):
    database_library.execute_sql_string(
        "INSERT INTO agent_tasks (run_id, idempotency_key, description) VALUES ('r1', 'a', 'x'), ('r1', 'b', 'y')"
    )
    with pytest.raises(WorkersFailedError, match=r"failed after 1 attempts: DeadlockDetected: deadlock detected"):
        agent_state.run_crossing_transactions(
            BUMP.replace("%(key)s", "'a'"), BUMP.replace("%(key)s", "'b'"), max_retries=0
        )


def test_independent_statements_do_not_wait_for_a_deadlock(agent_state):
    outcome = agent_state.run_crossing_transactions("SELECT 1", "SELECT 2")
    assert outcome == {"deadlocks": 0, "attempts": 2}


def test_a_failing_worker_stops_the_group_with_its_error(agent_state, run):
    with pytest.raises(WorkersFailedError, match=r"of 8 workers failed: UndefinedColumn: column \"nope\""):
        agent_state.run_concurrent_increments("SELECT nope FROM agent_runs", WRITE, run, timeout=timedelta(seconds=20))


def test_a_select_without_rows_is_explained(agent_state, run):
    with pytest.raises(WorkersFailedError, match="returned no row: it must return the value to increment"):
        agent_state.run_concurrent_increments(f"{READ} AND false", WRITE, run, workers=2, rounds=1)


def test_workers_leave_no_session_behind(agent_state, run, admin):
    agent_state.run_concurrent_increments(f"{READ} FOR UPDATE", WRITE, run, workers=4, rounds=1)
    with pytest.raises(WorkersFailedError):
        agent_state.run_concurrent_increments("SELECT nope", WRITE, run, workers=4, rounds=1)
    assert sessions_named(admin, "^robot-[0-9a-f]{8}-") == 0


def test_statement_timeout_bounds_a_worker_stuck_on_a_lock(agent_state, database_library, run, services, namespace):
    with psycopg.connect(services.database_url, autocommit=True) as blocker, blocker.transaction():
        blocker.execute(f"SELECT 1 FROM {namespace.schema}.agent_runs FOR UPDATE")
        with pytest.raises(WorkersFailedError, match="canceling statement due to statement timeout"):
            agent_state.run_concurrent_increments(
                f"{READ} FOR UPDATE", WRITE, run, workers=1, rounds=1, statement_timeout=timedelta(milliseconds=300)
            )


def test_crossing_transactions_refuse_a_negative_retry_count(agent_state):
    with pytest.raises(WorkersFailedError, match="max_retries must be 0 or more, got -1"):
        agent_state.run_crossing_transactions("SELECT 1", "SELECT 2", max_retries=-1)
