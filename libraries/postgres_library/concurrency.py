"""Keywords that run several sessions at once: lost updates, row locks, SKIP LOCKED queues, deadlocks."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from robot.api import logger
from robot.api.deco import keyword

from libraries.common import poll

from .contention import Contention, WorkerGroup
from .context import PostgresComponent
from .errors import WorkersFailedError
from .settings import suite_session
from .waiting import backoff_delays, left_until, wait_by

_RETRIED = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)


class ConcurrencyKeywords(PostgresComponent):
    @keyword("Run Concurrent Increments")
    def run_concurrent_increments(
        self,
        select_statement: str,
        update_statement: str,
        parameters: dict[str, Any] | None = None,
        *,
        workers: int = 8,
        rounds: int = 5,
        statement_timeout: timedelta = timedelta(seconds=30),
        timeout: timedelta = timedelta(seconds=60),
    ) -> dict[str, int]:
        """Lets ``workers`` sessions each add 1 to one value, ``rounds`` times, by read-modify-write.

        Each increment is one transaction: ``select_statement`` reads the current value (first column of the
        first row), then ``update_statement`` writes it back plus one as ``%(value)s``. Both get ``parameters``
        (a dictionary, used as ``%(name)s``). In every round each worker holds on after its read until all other
        workers have read too or are blocked on a lock, so a missing ``FOR UPDATE`` loses updates on every run
        and a present one visibly serialises the workers. Check the stored value with DatabaseLibrary afterwards.

        Returns a dictionary with ``increments`` (workers x rounds) and ``max_same_value_reads`` (the most
        workers that read the same value in one round: 1 under a row lock, ``workers`` without one).

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        the work of all sessions.

        Example:
        | &{run} =    Create Dictionary    run_id=r1
        | ${outcome} =    Run Concurrent Increments    SELECT tokens FROM runs WHERE id = %(run_id)s FOR UPDATE
        | ...    UPDATE runs SET tokens = %(value)s WHERE id = %(run_id)s    ${run}    workers=8    rounds=5
        | Check Query Result    SELECT tokens FROM runs WHERE id = 'r1'    ==    ${outcome}[increments]
        """
        settings = suite_session(statement_timeout=statement_timeout, connect_timeout=timedelta(seconds=5))
        with WorkerGroup(settings, workers, time.monotonic() + timeout.total_seconds()) as group:
            contention = Contention(group)
            reads: Counter[tuple[int, Any]] = Counter()
            reads_lock = threading.Lock()

            def work(index: int) -> None:
                with group.session(index) as session:
                    for round_number in range(rounds):
                        contention.start_round()
                        with session.transaction():
                            value = _first_value(session.execute(select_statement, parameters or {}))
                            with reads_lock:
                                reads[round_number, value] += 1
                            contention.hold()
                            session.execute(update_statement, {**(parameters or {}), "value": value + 1})
                        contention.leave(held=True)

            group.run(work, on_failure=contention.abort)
        outcome = {"increments": workers * rounds, "max_same_value_reads": max(reads.values())}
        logger.info(
            f"{workers} workers made {outcome['increments']} read-modify-write increments; up to "
            f"{outcome['max_same_value_reads']} of them read the same value in one round"
        )
        return outcome

    @keyword("Claim Rows Concurrently")
    def claim_rows_concurrently(
        self,
        claim_statement: str,
        parameters: dict[str, Any] | None = None,
        *,
        workers: int = 4,
        statement_timeout: timedelta = timedelta(seconds=30),
        timeout: timedelta = timedelta(seconds=60),
    ) -> dict[str, Any]:
        """Lets ``workers`` sessions claim rows from a queue with ``claim_statement`` until none is left.

        ``claim_statement`` claims one row and returns its id, or returns no row when the queue is empty;
        it gets ``parameters`` plus ``%(worker)s``, the claiming worker's name. Typically
        ``... FOR UPDATE SKIP LOCKED LIMIT 1``. Workers claim in rounds; each worker keeps its claim
        uncommitted until every other worker has claimed too or is blocked, so rows are handed out
        while others are locked. Check the stored claims with DatabaseLibrary afterwards.

        Returns a dictionary with ``claimed`` (all claimed ids, in claim order), ``per_worker``
        (worker name -> number of claims), ``duplicates`` (ids claimed more than once) and
        ``max_parallel_claims`` (most uncommitted claims held at the same time).

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        the work of all sessions.

        Example:
        | ${outcome} = | Claim Rows Concurrently | ${CLAIM_NEXT_TASK} | workers=4 |
        | Should Be Empty | ${outcome}[duplicates] |
        """
        settings = suite_session(statement_timeout=statement_timeout, connect_timeout=timedelta(seconds=5))
        claimed: list[tuple[int, str, Any]] = []
        claims_lock = threading.Lock()
        with WorkerGroup(settings, workers, time.monotonic() + timeout.total_seconds()) as group:
            contention = Contention(group)

            def work(index: int) -> None:
                name = group.name(index)
                with group.session(index) as session:
                    for round_number in itertools.count(1):
                        contention.start_round()
                        with session.transaction():
                            row = session.execute(claim_statement, {**(parameters or {}), "worker": name}).fetchone()
                            if row is not None:
                                with claims_lock:
                                    claimed.append((round_number, name, row[0]))
                                contention.hold()
                        contention.leave(held=row is not None)
                        contention.start_round()
                        if not any(claim[0] == round_number for claim in claimed):
                            return

            group.run(work, on_failure=contention.abort)
        ids = [row_id for _, _, row_id in claimed]
        outcome = {
            "claimed": ids,
            "per_worker": dict(Counter(name for _, name, _ in claimed)),
            "duplicates": sorted({row_id for row_id in ids if ids.count(row_id) > 1}, key=str),
            "max_parallel_claims": contention.max_holding,
        }
        logger.info(
            f"{workers} workers claimed {len(ids)} rows ({len(outcome['duplicates'])} claimed twice); "
            f"up to {contention.max_holding} claims were held at the same time"
        )
        return outcome

    @keyword("Run Crossing Transactions")
    def run_crossing_transactions(
        self,
        first_statement: str,
        second_statement: str,
        parameters: dict[str, Any] | None = None,
        *,
        max_retries: int = 2,
        statement_timeout: timedelta = timedelta(seconds=30),
        timeout: timedelta = timedelta(seconds=60),
    ) -> dict[str, int]:
        """Runs two transactions that lock the same rows in opposite order, and retries the one that loses.

        Transaction A runs ``first_statement`` then ``second_statement``; transaction B runs them the other way
        round. Both take their first lock, then A asks for B's row and, once A is seen waiting, B asks for A's:
        PostgreSQL detects the deadlock (after ``deadlock_timeout``, 1 s by default) and aborts one. That one is
        retried with bounded exponential backoff, up to ``max_retries`` times after its first attempt (so
        ``max_retries=0`` never retries); deadlocks and serialization failures are retried, other errors fail at
        once.

        Returns a dictionary with ``deadlocks`` (how many attempts the server aborted as deadlocked) and
        ``attempts`` (attempts used by both transactions together).

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        the work of all sessions.

        Example:
        | ${outcome} = | Run Crossing Transactions | ${UPDATE_TASK_A} | ${UPDATE_TASK_B} |
        | Should Be Equal As Integers | ${outcome}[deadlocks] | 1 |
        """
        if max_retries < 0:
            raise WorkersFailedError(f"max_retries must be 0 or more, got {max_retries}.")
        settings = suite_session(statement_timeout=statement_timeout, connect_timeout=timedelta(seconds=5))
        orders = ((first_statement, second_statement), (second_statement, first_statement))
        took_first_lock = threading.Barrier(2, timeout=timeout.total_seconds())
        finished = [threading.Event(), threading.Event()]
        failures: Counter[str] = Counter()
        attempts_used = [0, 0]
        with WorkerGroup(settings, 2, time.monotonic() + timeout.total_seconds()) as group:

            def crossing_attempt(session: psycopg.Connection, index: int, attempt: int) -> None:
                with session.transaction():
                    session.execute(orders[index][0], parameters or {})
                    if attempt == 1:
                        took_first_lock.wait()
                        if index == 1:
                            _wait_for_lock_wait(group, group.name(0), finished[0])
                    session.execute(orders[index][1], parameters or {})

            def work(index: int) -> None:
                with group.session(index) as session:
                    attempts_used[index] = _with_retries(
                        lambda attempt: crossing_attempt(session, index, attempt), max_retries, group, failures
                    )
                finished[index].set()

            group.run(work, on_failure=took_first_lock.abort)
        outcome = {"deadlocks": failures["DeadlockDetected"], "attempts": sum(attempts_used)}
        logger.info(
            f"Crossing transactions committed after {outcome['attempts']} attempts; "
            f"the server detected {outcome['deadlocks']} deadlock(s)"
        )
        return outcome


def _first_value(cursor: psycopg.Cursor) -> Any:
    row = cursor.fetchone()
    if row is None:
        raise WorkersFailedError("The select statement returned no row: it must return the value to increment.")
    return row[0]


def _wait_for_lock_wait(group: WorkerGroup, application_name: str, finished: threading.Event) -> None:
    wait_by(
        group.deadline,
        lambda: finished.is_set() or group.lock_waiters(application_name) > 0,
        lambda: f"Session {application_name} never waited for a lock",
        WorkersFailedError,
    )


def _with_retries(
    attempt_once: Callable[[int], None], max_retries: int, group: WorkerGroup, failures: Counter[str]
) -> int:
    """Runs ``attempt_once(1)``, then retries it up to ``max_retries`` times; returns the attempts it took."""
    attempts = 0

    def attempt() -> None:
        nonlocal attempts
        attempts += 1
        try:
            attempt_once(attempts)
        except _RETRIED as error:
            failures[type(error).__name__] += 1
            raise

    try:
        poll(
            attempt,
            left_until(group.deadline),
            pause=backoff_delays(first=0.05, cap=1.0),
            retry_on=_RETRIED,
            attempts=max_retries + 1,
        )
    except _RETRIED as error:
        raise WorkersFailedError(
            f"Transaction still failed after {attempts} attempts: {type(error).__name__}: "
            f"{str(error).strip().splitlines()[0]}"
        ) from None
    return attempts
