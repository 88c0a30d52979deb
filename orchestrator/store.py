"""PostgreSQL, the source of truth: runs, steps, effects, model answers and calls, events and the outbox."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from .settings import Settings

TERMINAL = ("succeeded", "failed", "cancelled")
CONNECT_TIMEOUT_S = 5
_SCHEMA_SQL = Path(__file__).with_name("schema.sql")
_MIGRATION_LOCK = 0x6F726368  # "orch": one migration at a time per database


@dataclass(frozen=True)
class Message:
    """An outbox row: what to publish on which stream."""

    id: int
    stream: str
    payload: dict[str, Any]


class Store:
    """A small connection pool on the orchestrator's schema, with statement and connect timeouts."""

    def __init__(self, settings: Settings, *, max_connections: int = 2, check_on_checkout: bool = True) -> None:
        """``check_on_checkout`` pings a pooled connection before handing it out (a round trip per transaction):
        for callers that cannot retry. Agents can: a dead connection fails its transaction, the pool drops it, and
        the message is handled again."""
        self.schema = settings.schema
        timeout_ms = int(settings.statement_timeout * 1000)
        self.pool = ConnectionPool(
            settings.database_url,
            kwargs={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "options": f"-c search_path={settings.schema} -c statement_timeout={timeout_ms}",
                "row_factory": dict_row,
            },
            min_size=1,
            max_size=max_connections,
            timeout=CONNECT_TIMEOUT_S * 2,
            check=ConnectionPool.check_connection if check_on_checkout else None,
            open=False,
            name=f"orchestrator-{settings.schema}",
        )

    def open(self) -> None:
        self.pool.open(wait=True, timeout=CONNECT_TIMEOUT_S * 2)

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        with self.pool.connection() as connection:
            yield connection

    def migrate(self) -> None:
        with self.transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
            db.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(self.schema)))
            db.execute(_SCHEMA_SQL.read_text())


def add_event(db: psycopg.Connection, run_id: str, kind: str, detail: str | None = None, step_no: int | None = None):
    db.execute(
        "INSERT INTO events (run_id, step_no, kind, detail) VALUES (%s, %s, %s, %s)", (run_id, step_no, kind, detail)
    )


def enqueue(db: psycopg.Connection, stream: str, payload: dict[str, Any]) -> Message:
    row = db.execute(
        "INSERT INTO outbox (stream, payload) VALUES (%s, %s) RETURNING id", (stream, json.dumps(payload))
    ).fetchone()
    return Message(row["id"], stream, payload)


def create_run(
    db: psycopg.Connection, goal: str, provider: str, model: str, deadline_s: float
) -> tuple[dict[str, Any], Message]:
    run = db.execute(
        "INSERT INTO runs (id, goal, provider, model, deadline_at) "
        "VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s)) RETURNING *",
        (str(uuid.uuid4()), goal, provider, model, deadline_s),
    ).fetchone()
    add_event(db, run["id"], "submitted", f"provider {provider}, model {model}, deadline {deadline_s:g} s")
    return run, enqueue(db, "plan", {"run_id": str(run["id"])})


def get_run(db: psycopg.Connection, run_id: str, *, lock: bool = False) -> dict[str, Any] | None:
    query = "SELECT * FROM runs WHERE id = %s" + (" FOR UPDATE" if lock else "")
    return db.execute(query, (run_id,)).fetchone()


def get_steps(db: psycopg.Connection, run_id: str) -> list[dict[str, Any]]:
    return db.execute(
        "SELECT s.*, (SELECT count(*) FROM step_effects e WHERE e.run_id = s.run_id AND e.step_no = s.step_no) "
        "AS applied, (SELECT count(*) FROM llm_calls c WHERE c.run_id = s.run_id AND c.purpose = 'step:' || s.step_no) "
        "AS llm_calls FROM steps s WHERE s.run_id = %s ORDER BY s.step_no",
        (run_id,),
    ).fetchall()


def get_step(db: psycopg.Connection, run_id: str, step_no: int) -> dict[str, Any] | None:
    return db.execute("SELECT * FROM steps WHERE run_id = %s AND step_no = %s", (run_id, step_no)).fetchone()


def usage(db: psycopg.Connection, run_id: str) -> dict[str, Any]:
    return db.execute(
        "SELECT count(*) AS llm_calls, coalesce(sum(input_tokens), 0) AS input_tokens, "
        "coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(cost_usd), 0) AS cost_usd "
        "FROM llm_calls WHERE run_id = %s",
        (run_id,),
    ).fetchone()


def set_run_status(db: psycopg.Connection, run_id: str, status: str, **fields: Any) -> None:
    assignments = ", ".join(f"{name} = %({name})s" for name in fields)
    finished = ", finished_at = now()" if status in TERMINAL else ""
    db.execute(
        f"UPDATE runs SET status = %(status)s, updated_at = now(){finished}"
        + (f", {assignments}" if assignments else "")
        + " WHERE id = %(run_id)s",
        {"status": status, "run_id": run_id, **fields},
    )


def finish_run(db: psycopg.Connection, run_id: str, status: str, *, error: str | None = None) -> bool:
    """Ends a run that is not yet terminal (its open steps are cancelled); False when it had already ended."""
    run = get_run(db, run_id, lock=True)
    if run is None or run["status"] in TERMINAL:
        return False
    set_run_status(db, run_id, status, error=error)
    db.execute(
        "UPDATE steps SET status = 'cancelled', finished_at = now() "
        "WHERE run_id = %s AND status IN ('pending', 'running')",
        (run_id,),
    )
    add_event(db, run_id, status, error)
    return True


def stored_answer(db: psycopg.Connection, run_id: str, purpose: str) -> str | None:
    row = db.execute("SELECT answer FROM llm_answers WHERE run_id = %s AND purpose = %s", (run_id, purpose)).fetchone()
    return row["answer"] if row else None


def save_answer(db: psycopg.Connection, run_id: str, purpose: str, answer: str) -> str:
    """Stores the first answer for this purpose; a concurrent duplicate delivery gets the stored one back."""
    db.execute(
        "INSERT INTO llm_answers (run_id, purpose, answer) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
        (run_id, purpose, answer),
    )
    return stored_answer(db, run_id, purpose) or answer


def record_call(db: psycopg.Connection, run_id: str, purpose: str, call: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO llm_calls (run_id, purpose, provider, model, request_id, input_tokens, output_tokens, "
        "cost_usd, latency_ms, error) VALUES (%(run_id)s, %(purpose)s, %(provider)s, %(model)s, %(request_id)s, "
        "%(input_tokens)s, %(output_tokens)s, %(cost_usd)s, %(latency_ms)s, %(error)s)",
        {"run_id": run_id, "purpose": purpose, **call},
    )


def unpublished(db: psycopg.Connection, older_than_s: float, limit: int = 200) -> list[Message]:
    rows = db.execute(
        "SELECT id, stream, payload FROM outbox WHERE published_at IS NULL "
        "AND created_at < now() - make_interval(secs => %s) ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
        (older_than_s, limit),
    ).fetchall()
    return [Message(row["id"], row["stream"], row["payload"]) for row in rows]


def mark_published(db: psycopg.Connection, ids: list[int]) -> None:
    db.execute("UPDATE outbox SET published_at = now() WHERE id = ANY(%s)", (ids,))


def expire_deadlines(db: psycopg.Connection) -> list[dict[str, Any]]:
    """Fails every unfinished run past its deadline (100 at a time), naming the deadline and where the run was."""
    return _fail_late_runs(db, "ORDER BY deadline_at LIMIT 100")


def expire_run_if_late(db: psycopg.Connection, run: dict[str, Any]) -> bool:
    """Fails `run` if its deadline has passed; True when it did."""
    return bool(_fail_late_runs(db, "AND id = %s", (run["id"],)))


def _fail_late_runs(db: psycopg.Connection, narrowing: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    late = db.execute(
        "SELECT id, status, extract(epoch FROM deadline_at - created_at) AS deadline_s FROM runs "
        f"WHERE finished_at IS NULL AND deadline_at < now() {narrowing} FOR UPDATE SKIP LOCKED",
        params,
    ).fetchall()
    for run in late:
        reason = f"the run's deadline of {float(run['deadline_s']):g} s passed while it was {run['status']}"
        finish_run(db, run["id"], "failed", error=reason)
    return late


def statuses(db: psycopg.Connection, recent_s: float) -> dict[str, str]:
    """Status of every unfinished run and of runs that changed in the last `recent_s` seconds."""
    rows = db.execute(
        "SELECT id, status FROM runs WHERE finished_at IS NULL OR updated_at > now() - make_interval(secs => %s)",
        (recent_s,),
    ).fetchall()
    return {str(row["id"]): row["status"] for row in rows}


def outstanding_work(db: psycopg.Connection) -> list[tuple[str, dict[str, Any]]]:
    """The message each unfinished run waits for: what to publish again after Redis lost its streams."""
    work: list[tuple[str, dict[str, Any]]] = []
    for run in db.execute("SELECT id, status FROM runs WHERE finished_at IS NULL").fetchall():
        run_id = str(run["id"])
        if run["status"] == "pending":
            work.append(("plan", {"run_id": run_id}))
        elif run["status"] == "aggregating":
            work.append(("aggregate", {"run_id": run_id}))
        else:
            open_steps = db.execute(
                "SELECT step_no FROM steps WHERE run_id = %s AND status IN ('pending', 'running')", (run_id,)
            ).fetchall()
            work.extend(("steps", {"run_id": run_id, "step_no": row["step_no"]}) for row in open_steps)
    return work
