"""PostgreSQL, the source of truth: runs, steps, effects, model answers and calls, events and the outbox."""

from __future__ import annotations

import datetime
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

from .keys import AGGREGATE_STREAM, PLAN_STREAM, RUN_CACHE, STEP_STREAM, result_digest
from .settings import Settings
from .states import (
    OPEN_STEP_STATUSES,
    RUN_TRANSITIONS,
    STEP_TRANSITIONS,
    TERMINAL_RUN_STATUSES,
    IllegalTransition,
    RunStatus,
    StepStatus,
    moved_on,
    sources,
)

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

    def ping(self, timeout_s: float) -> None:
        """One round trip on a pooled connection, waiting at most `timeout_s` for the connection."""
        with self.pool.connection(timeout=timeout_s) as connection:
            connection.execute("SELECT 1")

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
    return run, enqueue(db, PLAN_STREAM, {"run_id": str(run["id"])})


_COPY_COLUMNS = (
    "id, status, result, finished_at, version, (SELECT count(*) FROM steps s WHERE s.run_id = runs.id) AS step_count"
)


def cache_run(db: psycopg.Connection, run_id: str) -> Message:
    """The run's copy for the Redis cache as an outbox row, committed with the change it shows: whoever publishes
    the row (the committing process, else the relay) writes the copy. The run's ``version`` goes up by one, so the
    cache never takes an older copy over a newer one."""
    row = db.execute(f"UPDATE runs SET version = version + 1 WHERE id = %s RETURNING {_COPY_COLUMNS}", (run_id,))
    return enqueue(db, RUN_CACHE, run_copy_of(row.fetchone()))


def run_copy(db: psycopg.Connection, run_id: str) -> dict[str, Any] | None:
    """The copy the cache should hold of the run, as it is stored now (for the reconciler); None: no such run."""
    row = db.execute(f"SELECT {_COPY_COLUMNS} FROM runs WHERE id = %s", (run_id,)).fetchone()
    return run_copy_of(row) if row else None


def run_copy_of(row: dict[str, Any]) -> dict[str, Any]:
    """A run's row as its cached copy: `keys.RUN_FIELDS`, ``run_id`` and ``version``; times in UTC ISO 8601."""
    return {
        "run_id": str(row["id"]),
        "status": row["status"],
        "step_count": row["step_count"],
        "result_digest": result_digest(row["result"]),
        "result": row["result"],
        "finished_at": _utc_iso(row["finished_at"]),
        "version": row["version"],
    }


def _utc_iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.timezone.utc).isoformat() if moment else None


def recent_run_summaries(db: psycopg.Connection, recent_s: float) -> dict[str, dict[str, Any]]:
    """What the cache should hold of every unfinished run and of runs changed in the last `recent_s` seconds, by run
    id; the result only as its digest (computed by PostgreSQL), so the reconciler does not read every result."""
    rows = db.execute(
        "SELECT id, status, finished_at, (SELECT count(*) FROM steps s WHERE s.run_id = runs.id) AS step_count, "
        "encode(sha256(convert_to(result, 'UTF8')), 'hex') AS result_digest FROM runs "
        "WHERE finished_at IS NULL OR updated_at > now() - make_interval(secs => %s)",
        (recent_s,),
    ).fetchall()
    return {
        str(row["id"]): {
            "status": row["status"],
            "step_count": row["step_count"],
            "result_digest": row["result_digest"],
            "finished_at": _utc_iso(row["finished_at"]),
        }
        for row in rows
    }


def get_run(db: psycopg.Connection, run_id: str, *, lock: bool = False) -> dict[str, Any] | None:
    """The run's row, and ``past_deadline`` by the database's clock."""
    query = "SELECT *, deadline_at < now() AS past_deadline FROM runs WHERE id = %s" + (" FOR UPDATE" if lock else "")
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


def transition(db: psycopg.Connection, run_id: str, target: RunStatus, **fields: Any) -> bool:
    """Moves the run to `target`, under the run's row lock, if `RUN_TRANSITIONS` allows it from where the run is.

    Returns True when it moved, False when there was nothing to do: the run is already at `target` or has moved on
    since the caller looked (another delivery of the same message did the work first; the run was cancelled, failed
    or expired meanwhile), or there is no such run. Redelivered messages and lost races thus change nothing.
    Raises `IllegalTransition` when the move is still ahead of the run but the table forbids it (it would skip a
    status) or when nothing may move to `target`. `fields` (``result``, ``error``) are set with the status;
    ``finished_at`` is set when `target` ends the run. The row lock is held until the transaction ends.
    """
    target = RunStatus(target)
    unknown = sorted(set(fields) - _TRANSITION_FIELDS)
    if unknown:
        raise ValueError(f"a transition sets the status, result and error of a run, not {', '.join(unknown)}")
    run = get_run(db, run_id, lock=True)
    if run is None:
        return False
    current = RunStatus(run["status"])
    if target not in RUN_TRANSITIONS[current]:
        if moved_on(RUN_TRANSITIONS, current, target):
            return False
        raise IllegalTransition(f"run {run_id}", current, target)
    assignments = [sql.SQL("status = %(status)s, updated_at = now()")]
    if target in TERMINAL_RUN_STATUSES:
        assignments.append(sql.SQL("finished_at = now()"))
    assignments += [sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder(name)) for name in fields]
    db.execute(
        sql.SQL("UPDATE runs SET {} WHERE id = %(run_id)s").format(sql.SQL(", ").join(assignments)),
        {"status": target.value, "run_id": run_id, **fields},
    )
    return True


_TRANSITION_FIELDS = frozenset({"result", "error"})


def overwrite_run(db: psycopg.Connection, run_id: str, status: str, result: str | None) -> None:
    """Sets status and result with no transition check: only the seeded defect `reconcile_wrong_way` does this."""
    db.execute("UPDATE runs SET status = %s, result = %s WHERE id = %s", (status, result, run_id))


def finish_run(db: psycopg.Connection, run_id: str, status: RunStatus, *, error: str | None = None) -> bool:
    """Ends a run that is not yet terminal (its open steps are cancelled); False when it had already ended."""
    if not transition(db, run_id, status, error=error):
        return False
    _end_open_steps(db, run_id, StepStatus.CANCELLED)
    add_event(db, run_id, RunStatus(status).value, error)
    return True


# -- steps: every update is guarded by STEP_TRANSITIONS and does nothing to a step that has ended ----------------


def add_steps(db: psycopg.Connection, run_id: str, steps: list[dict[str, Any]]) -> None:
    """The plan's steps, numbered from 1; steps a previous delivery inserted stay as they are."""
    with db.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO steps (run_id, step_no, description, tool, tool_input) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [
                (run_id, number, step["description"], step["tool"], step["input"])
                for number, step in enumerate(steps, 1)
            ],
        )


def start_step(db: psycopg.Connection, run_id: str, step_no: int, worker: str) -> bool:
    """Marks the step running on `worker` and counts the delivery; False when the step has ended."""
    return _step_moved(
        db,
        StepStatus.RUNNING,
        "worker = %(worker)s, started_at = coalesce(started_at, now()), deliveries = deliveries + 1",
        {"run_id": run_id, "step_no": step_no, "worker": worker},
    )


def apply_step_result(db: psycopg.Connection, run_id: str, step_no: int, result: str, worker: str) -> bool:
    """Stores the step's result with its `step_effects` row and event, once; False when the step had ended."""
    applied = _step_moved(
        db,
        StepStatus.SUCCEEDED,
        "result = %(result)s, error = NULL, finished_at = now()",
        {"run_id": run_id, "step_no": step_no, "result": result},
    )
    if applied:
        add_step_effect(db, run_id, step_no, worker)
    return applied


def add_step_effect(db: psycopg.Connection, run_id: str, step_no: int, worker: str) -> None:
    """One `step_effects` row and its event: what applying a step's result leaves behind."""
    db.execute("INSERT INTO step_effects (run_id, step_no, worker) VALUES (%s, %s, %s)", (run_id, step_no, worker))
    add_event(db, run_id, "step_applied", worker, step_no)


def fail_step(db: psycopg.Connection, run_id: str, step_no: int, reason: str) -> bool:
    """Fails the step with `reason`; False when it had already ended."""
    return _step_moved(
        db,
        StepStatus.FAILED,
        "error = %(reason)s, finished_at = now()",
        {"run_id": run_id, "step_no": step_no, "reason": reason},
    )


def steps_not_succeeded(db: psycopg.Connection, run_id: str) -> int:
    return db.execute(
        "SELECT count(*) AS n FROM steps WHERE run_id = %s AND status <> %s", (run_id, StepStatus.SUCCEEDED.value)
    ).fetchone()["n"]


def _step_moved(db: psycopg.Connection, target: StepStatus, assignments: str, params: dict[str, Any]) -> bool:
    moved = db.execute(
        f"UPDATE steps SET status = %(status)s, {assignments} "
        "WHERE run_id = %(run_id)s AND step_no = %(step_no)s AND status = ANY(%(sources)s) RETURNING step_no",
        {**params, "status": target.value, "sources": _step_sources(target)},
    ).fetchone()
    return moved is not None


def _end_open_steps(db: psycopg.Connection, run_id: str, target: StepStatus) -> None:
    db.execute(
        "UPDATE steps SET status = %s, finished_at = now() WHERE run_id = %s AND status = ANY(%s)",
        (target.value, run_id, _step_sources(target)),
    )


def _step_sources(target: StepStatus) -> list[str]:
    return sorted(status.value for status in sources(STEP_TRANSITIONS, target))


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
    """Fails every unfinished run past its deadline (100 at a time), naming the deadline and where the run was;
    each row returned carries the outbox row of its cached copy under ``cache``."""
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
        finish_run(db, run["id"], RunStatus.FAILED, error=reason)
        run["cache"] = cache_run(db, str(run["id"]))
    return late


def outstanding_work(db: psycopg.Connection) -> list[tuple[str, dict[str, Any]]]:
    """The message each unfinished run waits for: what to publish again after Redis lost its streams."""
    work: list[tuple[str, dict[str, Any]]] = []
    for run in db.execute("SELECT id, status FROM runs WHERE finished_at IS NULL").fetchall():
        run_id = str(run["id"])
        if run["status"] == RunStatus.PENDING:
            work.append((PLAN_STREAM, {"run_id": run_id}))
        elif run["status"] == RunStatus.AGGREGATING:
            work.append((AGGREGATE_STREAM, {"run_id": run_id}))
        else:
            open_steps = db.execute(
                "SELECT step_no FROM steps WHERE run_id = %s AND status = ANY(%s)",
                (run_id, sorted(status.value for status in OPEN_STEP_STATUSES)),
            ).fetchall()
            work.extend((STEP_STREAM, {"run_id": run_id, "step_no": row["step_no"]}) for row in open_steps)
    return work
