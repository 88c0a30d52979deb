"""What the forced worst-case interleaving costs: concurrent increments through PostgresLibrary vs. plain psycopg.

    .venv/bin/python benchmarks/postgres_workers.py [--workers 8] [--rounds 25]

Uses DATABASE_URL when set, otherwise the embedded PostgreSQL of the run lifecycle. Baseline: the same number of
threads doing the same ``SELECT ... FOR UPDATE`` + ``UPDATE`` transactions with raw psycopg and no coordination.
The library adds round barriers and pg_stat_activity polling, so it is expected to be slower; the ratio says by
how much. Also reports the time to connect a DatabaseLibrary alias (settings + connect + register).
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

import psycopg
from DatabaseLibrary import DatabaseLibrary
from psycopg import sql

from libraries.postgres_library import PostgresLibrary
from libraries.services import runtime
from libraries.services.lifecycle import endpoints_for, start_run, stop_run
from libraries.services.processes import ProcessId
from libraries.services.runtime import Namespace
from libraries.services.settings import setting

SCHEMA = f"rfq_bench_{os.getpid()}"
READ = "SELECT n FROM counter WHERE id = 1 FOR UPDATE"
WRITE = "UPDATE counter SET n = %(value)s WHERE id = 1"


def raw_increments(url: str, workers: int, rounds: int) -> float:
    def work() -> None:
        options = f"-c search_path={SCHEMA} -c statement_timeout=30000"
        with psycopg.connect(url, options=options, autocommit=True, connect_timeout=5) as connection:
            for _ in range(rounds):
                with connection.transaction():
                    value = connection.execute(READ).fetchone()[0]
                    connection.execute(WRITE, {"value": value + 1})

    threads = [threading.Thread(target=work) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return time.perf_counter() - started


def measure(url: str, workers: int, rounds: int) -> tuple[list[float], list[float], list[float]]:
    """Seconds per alias connect, per raw psycopg run and per library run, in the benchmark schema."""
    with psycopg.connect(url, autocommit=True, connect_timeout=5, options=f"-c search_path={SCHEMA}") as setup:
        setup.execute("CREATE TABLE counter (id int PRIMARY KEY, n int)")
        setup.execute("INSERT INTO counter VALUES (1, 0)")
    runtime.push_namespace(Namespace(SCHEMA, "bench:"))
    library = PostgresLibrary()
    library.context._database_library = DatabaseLibrary(log_query_results=False)
    connects = []
    for _ in range(20):
        started = time.perf_counter()
        library.run_keyword("Connect To Run Database", [], {})
        connects.append(time.perf_counter() - started)
    library.context.database_library.disconnect_from_all_databases()
    raw, ours = [], []
    for _ in range(3):
        raw.append(raw_increments(url, workers, rounds))
        started = time.perf_counter()
        library.run_keyword("Run Concurrent Increments", [READ, WRITE], {"workers": workers, "rounds": rounds})
        ours.append(time.perf_counter() - started)
    return connects, raw, ours


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=25)
    arguments = parser.parse_args()
    run = None if setting("DATABASE_URL") else start_run(["postgres"], ProcessId.of(os.getpid()))
    try:
        url = setting("DATABASE_URL") or endpoints_for(run, None, "redis://unused").database_url
        runtime.activate(endpoints_for(run, url, "redis://unused") if run else runtime.Endpoints(url, "redis://unused"))
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(SCHEMA)))
            try:
                connects, raw, ours = measure(url, arguments.workers, arguments.rounds)
            finally:
                admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(SCHEMA)))
    finally:
        if run is not None:
            stop_run(run)
    increments = arguments.workers * arguments.rounds
    raw_s, ours_s = statistics.median(raw), statistics.median(ours)
    print(f"connect a DatabaseLibrary alias: median {statistics.median(connects) * 1000:.1f} ms")
    print(f"{increments} locked increments, {arguments.workers} workers:")
    print(f"  raw psycopg threads        {raw_s * 1000:8.1f} ms  ({increments / raw_s:8.0f} increments/s)")
    print(f"  Run Concurrent Increments  {ours_s * 1000:8.1f} ms  ({increments / ours_s:8.0f} increments/s)")
    print(f"  ratio library / raw        {ours_s / raw_s:8.2f}x")


if __name__ == "__main__":
    main()
