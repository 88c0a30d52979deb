"""The application's own tables next to LangGraph's checkpoint tables, all in one PostgreSQL schema.

``lg_runs`` is the work queue and the run's outcome; ``lg_llm_calls`` records every model call a node makes: a row
when the call starts (``asked``), completed when the answer (``answered``) or an error (``failed``) comes back.
A worker owns a run while it holds a session-level advisory lock on it, so a SIGKILLed worker's runs become
claimable the moment PostgreSQL sees its connection close.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg.rows import dict_row

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 10_000

TABLES = (
    """
CREATE TABLE IF NOT EXISTS lg_runs (
    id uuid PRIMARY KEY,
    goal text NOT NULL,
    model text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    worker text,
    claims integer NOT NULL DEFAULT 0,
    result text,
    error text,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
)""",
    """
CREATE TABLE IF NOT EXISTS lg_llm_calls (
    id bigserial PRIMARY KEY,
    run_id uuid NOT NULL,
    node text NOT NULL,
    model text NOT NULL,
    status text NOT NULL DEFAULT 'asked',
    error text,
    input_tokens integer NOT NULL DEFAULT 0,
    output_tokens integer NOT NULL DEFAULT 0,
    cost_usd double precision NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
)""",
)


def connect(database_url: str, schema: str) -> psycopg.Connection:
    """An autocommit connection in `schema`, as `PostgresSaver` needs it (dict rows, no prepared statements)."""
    return psycopg.connect(
        database_url,
        connect_timeout=CONNECT_TIMEOUT_S,
        autocommit=True,
        prepare_threshold=0,
        row_factory=dict_row,
        options=f"-c search_path={schema} -c statement_timeout={STATEMENT_TIMEOUT_MS}",
    )


def prepare(connection: psycopg.Connection) -> None:
    """Creates (or migrates) the checkpoint tables and the application's tables; safe to run concurrently."""
    key = "examples.langgraph setup"
    connection.execute("SELECT pg_advisory_lock(hashtext(current_schema()), hashtext(%s))", (key,))
    try:
        PostgresSaver(connection).setup()
        for table in TABLES:
            connection.execute(table)
    finally:
        connection.execute("SELECT pg_advisory_unlock(hashtext(current_schema()), hashtext(%s))", (key,))


def add_run(connection: psycopg.Connection, goal: str, model: str) -> str:
    run_id = str(uuid.uuid4())
    connection.execute("INSERT INTO lg_runs (id, goal, model) VALUES (%s, %s, %s)", (run_id, goal, model))
    return run_id


def claim(connection: psycopg.Connection, worker: str) -> dict[str, Any] | None:
    """The oldest unfinished run no live worker holds, now locked by this session; None when there is none."""
    candidates = connection.execute(
        "SELECT id FROM lg_runs WHERE status IN ('pending', 'running') ORDER BY created_at LIMIT 20"
    ).fetchall()
    for candidate in candidates:
        if not _lock(connection, "pg_try_advisory_lock", candidate["id"]):
            continue
        run = connection.execute(
            "UPDATE lg_runs SET status = 'running', worker = %s, claims = claims + 1, updated_at = clock_timestamp() "
            "WHERE id = %s AND status IN ('pending', 'running') RETURNING id, goal, model, claims",
            (worker, candidate["id"]),
        ).fetchone()
        if run is not None:
            return run
        release(connection, candidate["id"])
    return None


def release(connection: psycopg.Connection, run_id: Any) -> None:
    _lock(connection, "pg_advisory_unlock", run_id)


def finish(
    connection: psycopg.Connection, run_id: Any, status: str, *, result: str | None = None, error: str | None = None
) -> None:
    connection.execute(
        "UPDATE lg_runs SET status = %s, result = %s, error = %s, updated_at = clock_timestamp() WHERE id = %s",
        (status, result, error, run_id),
    )


class LlmCalls:
    """The journal of model calls, written on the worker's connection."""

    def __init__(self, connection: psycopg.Connection) -> None:
        self.connection = connection

    def asked(self, run_id: str, node: str, model: str) -> int:
        row = self.connection.execute(
            "INSERT INTO lg_llm_calls (run_id, node, model) VALUES (%s, %s, %s) RETURNING id", (run_id, node, model)
        ).fetchone()
        return row["id"]

    def answered(self, call_id: int, input_tokens: int, output_tokens: int, cost_usd: float) -> None:
        self.connection.execute(
            "UPDATE lg_llm_calls SET status = 'answered', input_tokens = %s, output_tokens = %s, cost_usd = %s "
            "WHERE id = %s",
            (input_tokens, output_tokens, cost_usd, call_id),
        )

    def failed(self, call_id: int, error: str) -> None:
        self.connection.execute("UPDATE lg_llm_calls SET status = 'failed', error = %s WHERE id = %s", (error, call_id))


def _lock(connection: psycopg.Connection, function: str, run_id: Any) -> bool:
    row = connection.execute(
        f"SELECT {function}(hashtext(current_schema()), hashtext(%s::text)) AS done", (str(run_id),)
    ).fetchone()
    return row["done"]
