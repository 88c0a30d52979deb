"""Where a run lives: its record, steps and model calls in PostgreSQL, its conversation in Redis.

PostgreSQL (the run's schema) is the source of truth: ``ps_runs`` (status, result, error as kind + provider +
status + text), ``ps_steps`` (one row per planned step; ``applied`` counts the step's effect, the researcher's
note), ``ps_llm_calls`` (a row per SDK call: asked, then answered with its tokens and cost, or failed).
Redis keeps each run's conversation under the suite's key prefix: ``<prefix>plain_sdk:<run id>:messages`` (a list
of chat messages, JSON) and ``<prefix>plain_sdk:<run id>:state`` (a hash: the agent holding the conversation).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
import redis
from psycopg.rows import dict_row

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 10_000
REDIS_TIMEOUT_S = 5.0
CONVERSATION_TTL_S = 24 * 3600
TERMINAL = ("succeeded", "failed", "cancelled")

TABLES = (
    """
CREATE TABLE IF NOT EXISTS ps_runs (
    id uuid PRIMARY KEY,
    goal text NOT NULL,
    model text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    pid integer,
    result text,
    error_kind text,
    error_message text,
    error_provider text,
    error_status integer,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz
)""",
    """
CREATE TABLE IF NOT EXISTS ps_steps (
    run_id uuid NOT NULL REFERENCES ps_runs (id),
    number integer NOT NULL,
    description text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    note text,
    applied integer NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, number)
)""",
    """
CREATE TABLE IF NOT EXISTS ps_llm_calls (
    id bigserial PRIMARY KEY,
    run_id uuid NOT NULL,
    agent text NOT NULL,
    step integer,
    model text NOT NULL,
    status text NOT NULL DEFAULT 'asked',
    requests integer NOT NULL DEFAULT 0,
    input_tokens integer NOT NULL DEFAULT 0,
    output_tokens integer NOT NULL DEFAULT 0,
    cost_usd double precision NOT NULL DEFAULT 0,
    error text,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
)""",
)


def connect(database_url: str, schema: str, application_name: str = "plain_sdk") -> psycopg.Connection:
    """An autocommit connection in ``schema`` with dict rows and bounded waits."""
    return psycopg.connect(
        database_url,
        connect_timeout=CONNECT_TIMEOUT_S,
        autocommit=True,
        row_factory=dict_row,
        application_name=application_name,
        options=f"-c search_path={schema} -c statement_timeout={STATEMENT_TIMEOUT_MS}",
    )


def prepare(db: psycopg.Connection) -> None:
    """Creates the tables; safe to run concurrently."""
    key = "examples.plain_sdk setup"
    db.execute("SELECT pg_advisory_lock(hashtext(current_schema()), hashtext(%s))", (key,))
    try:
        for table in TABLES:
            db.execute(table)
    finally:
        db.execute("SELECT pg_advisory_unlock(hashtext(current_schema()), hashtext(%s))", (key,))


def add_run(db: psycopg.Connection, goal: str, model: str) -> str:
    run_id = str(uuid.uuid4())
    db.execute("INSERT INTO ps_runs (id, goal, model) VALUES (%s, %s, %s)", (run_id, goal, model))
    return run_id


def begin(db: psycopg.Connection, run_id: str, pid: int) -> dict[str, Any] | None:
    """Marks a pending run ``planning`` by this process and returns it; None when it is not pending."""
    return db.execute(
        "UPDATE ps_runs SET status = 'planning', pid = %s WHERE id = %s AND status = 'pending' "
        "RETURNING id, goal, model",
        (pid, run_id),
    ).fetchone()


def plan(db: psycopg.Connection, run_id: str, steps: list[str]) -> None:
    """Stores the plan's steps and moves the run to ``running``, in one transaction."""
    with db.transaction():
        db.cursor().executemany(
            "INSERT INTO ps_steps (run_id, number, description) VALUES (%s, %s, %s)",
            [(run_id, number, description) for number, description in enumerate(steps, start=1)],
        )
        set_status(db, run_id, "running")


def set_status(db: psycopg.Connection, run_id: str, status: str) -> None:
    db.execute("UPDATE ps_runs SET status = %s WHERE id = %s AND status <> ALL(%s)", (status, run_id, list(TERMINAL)))


def step_started(db: psycopg.Connection, run_id: str, number: int) -> None:
    db.execute("UPDATE ps_steps SET status = 'running' WHERE run_id = %s AND number = %s", (run_id, number))


def step_done(db: psycopg.Connection, run_id: str, number: int, note: str) -> None:
    """The step's effect (its note) is applied once: a second call changes nothing."""
    db.execute(
        "UPDATE ps_steps SET status = 'succeeded', note = %s, applied = applied + 1 "
        "WHERE run_id = %s AND number = %s AND status <> 'succeeded'",
        (note, run_id, number),
    )


def succeed(db: psycopg.Connection, run_id: str, result: str) -> None:
    db.execute(
        "UPDATE ps_runs SET status = 'succeeded', result = %s, finished_at = clock_timestamp() "
        "WHERE id = %s AND status <> ALL(%s)",
        (result, run_id, list(TERMINAL)),
    )


def fail(
    db: psycopg.Connection,
    run_id: str,
    kind: str,
    message: str,
    provider: str | None = None,
    status: int | None = None,
) -> bool:
    """Fails an unfinished run and the step it was in; False when the run had already ended."""
    with db.transaction():
        failed = db.execute(
            "UPDATE ps_runs SET status = 'failed', error_kind = %s, error_message = %s, error_provider = %s, "
            "error_status = %s, finished_at = clock_timestamp() WHERE id = %s AND status <> ALL(%s) RETURNING id",
            (kind, message, provider, status, run_id, list(TERMINAL)),
        ).fetchone()
        if failed:
            db.execute("UPDATE ps_steps SET status = 'failed' WHERE run_id = %s AND status = 'running'", (run_id,))
    return failed is not None


class LlmCalls:
    """The journal of one run's model calls."""

    def __init__(self, db: psycopg.Connection, run_id: str) -> None:
        self.db = db
        self.run_id = run_id

    def asked(self, agent: str, step: int | None, model: str) -> int:
        return self.db.execute(
            "INSERT INTO ps_llm_calls (run_id, agent, step, model) VALUES (%s, %s, %s, %s) RETURNING id",
            (self.run_id, agent, step, model),
        ).fetchone()["id"]

    def answered(self, call: int, requests: int, input_tokens: int, output_tokens: int, cost_usd: float) -> None:
        self.db.execute(
            "UPDATE ps_llm_calls SET status = 'answered', requests = %s, input_tokens = %s, output_tokens = %s, "
            "cost_usd = %s WHERE id = %s",
            (requests, input_tokens, output_tokens, cost_usd, call),
        )

    def failed(self, call: int, requests: int, error: str) -> None:
        self.db.execute(
            "UPDATE ps_llm_calls SET status = 'failed', requests = %s, error = %s WHERE id = %s",
            (requests, error, call),
        )


class Conversation:
    """One run's chat messages in a Redis list and the agent holding them in a hash."""

    def __init__(self, client: redis.Redis, key_prefix: str, run_id: str) -> None:
        self.client = client
        self.messages_key = f"{key_prefix}plain_sdk:{run_id}:messages"
        self.state_key = f"{key_prefix}plain_sdk:{run_id}:state"

    def append(self, *messages: dict[str, Any]) -> None:
        pipe = self.client.pipeline()
        pipe.rpush(self.messages_key, *(json.dumps(message) for message in messages))
        pipe.expire(self.messages_key, CONVERSATION_TTL_S)
        pipe.execute()

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(item) for item in self.client.lrange(self.messages_key, 0, -1)]

    def hand_to(self, agent: str) -> None:
        pipe = self.client.pipeline()
        pipe.hset(self.state_key, mapping={"agent": agent})
        pipe.expire(self.state_key, CONVERSATION_TTL_S)
        pipe.execute()

    def agent(self) -> str | None:
        value = self.client.hget(self.state_key, "agent")
        return value.decode() if isinstance(value, bytes) else value


def redis_client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
