"""Named load scenarios: Redis SET/GET, a PostgreSQL insert and select, agent runs end to end.

Each takes what it drives explicitly (a redis-py client and key prefix, the PostgreSQL session settings, an agent
system adapter), so the keyword layer builds them from the suite's connections and pytest builds them from its
fixtures.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import redis

from libraries.agent_system.contract import AgentSystemAdapter, NotSupported, RunView
from libraries.agent_system.selection import system_key
from libraries.postgres_library.connections import open_session
from libraries.postgres_library.settings import SessionSettings

KEY_TTL_S = 600
WATCH_PAUSE_S = 0.02
VERIFY_THREADS = 8
LOAD_TABLE = "load_items"


class LoadOperationError(AssertionError):
    """An operation answered, but wrongly (a value read back that differs from the one written)."""


class RedisSetGet:
    """One operation: SET a key of the suite's namespace, GET it back and compare."""

    name = "redis set get"

    def __init__(self, client: redis.Redis, prefix: str, *, timeout_s: float) -> None:
        self.client = client
        self.prefix = prefix
        self.operation_timeout_s = timeout_s

    def prepare(self) -> None:
        self.client.ping()

    @contextmanager
    def worker(self) -> Iterator[Callable[[int], None]]:
        def operate(index: int) -> None:
            key, value = f"{self.prefix}load:{index}", f"value-{index}"
            self.client.set(key, value, ex=KEY_TTL_S)
            read = self.client.get(key)
            if read not in (value, value.encode()):
                raise LoadOperationError(f"GET load:{index} returned {read!r} after SET {value!r}")

        yield operate

    def finish(self) -> dict[str, int]:
        return {}

    def environment(self) -> dict[str, str]:
        return {"redis": str(self.client.info("server").get("redis_version", "unknown"))}


class PostgresInsertSelect:
    """One operation: INSERT a row into the suite schema (autocommit), SELECT it back by id and compare."""

    name = "postgres insert select"

    def __init__(self, settings: SessionSettings) -> None:
        self.settings = settings
        self.operation_timeout_s = settings.statement_timeout.total_seconds() * 2
        self._version = "unknown"

    def prepare(self) -> None:
        with open_session(self.settings, "load-prepare", autocommit=True) as session:
            session.execute(
                f"CREATE TABLE IF NOT EXISTS {LOAD_TABLE} "
                "(id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            )
            self._version = str(session.execute("SHOW server_version").fetchone()[0])

    @contextmanager
    def worker(self) -> Iterator[Callable[[int], None]]:
        session = open_session(self.settings, "load-worker", autocommit=True)

        def operate(index: int) -> None:
            payload = f"item-{index}"
            row_id = session.execute(
                f"INSERT INTO {LOAD_TABLE} (payload) VALUES (%s) RETURNING id", (payload,)
            ).fetchone()[0]
            row = session.execute(f"SELECT payload FROM {LOAD_TABLE} WHERE id = %s", (row_id,)).fetchone()
            if row is None or row[0] != payload:
                raise LoadOperationError(f"row {row_id} read back as {row!r} after inserting {payload!r}")

        try:
            yield operate
        finally:
            session.close()

    def finish(self) -> dict[str, int]:
        return {}

    def environment(self) -> dict[str, str]:
        return {"postgres": self._version}


class AgentRuns:
    """One operation: submit a run and wait until it has finished; it must succeed.

    One watcher thread polls every run in flight (all statuses in one query when the adapter can list them), so
    hundreds of runs in flight cost one poll per pause, not one each. At the end every submitted run is read
    once more: a run the system does not know or that has not finished is *lost*; a step applied more than once
    is a *duplicate*.
    """

    name = "agent runs"

    def __init__(
        self,
        adapter: AgentSystemAdapter,
        *,
        model: str,
        provider: str = "openai",
        goal: str = "Load",
        timeout_s: float,
        on_submit: Callable[[str], None] | None = None,
    ) -> None:
        """``on_submit`` is told each run id as it is submitted (the agent-system library drains them after
        the test)."""
        self.adapter = adapter
        self.system = system_key(adapter)
        """Whose baselines the results compare with (``resources/baselines/<system>/``)."""
        self.on_submit = on_submit
        self.model = model
        self.provider = provider
        self.goal = goal
        self.operation_timeout_s = timeout_s
        self.submitted: list[str] = []
        self._lock = threading.Lock()
        self._waiting: dict[str, threading.Event] = {}
        self._statuses: dict[str, str] = {}
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._list_all = True

    def prepare(self) -> None:
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="load-agent-watcher", daemon=True)
        self._watcher.start()

    @contextmanager
    def worker(self) -> Iterator[Callable[[int], None]]:
        def operate(index: int) -> None:
            run_id = self.adapter.submit(f"{self.goal} #{index + 1}", provider=self.provider, model=self.model)
            if self.on_submit is not None:
                self.on_submit(run_id)
            finished = threading.Event()
            with self._lock:
                self.submitted.append(run_id)
                self._waiting[run_id] = finished
            if not finished.wait(self.operation_timeout_s):
                with self._lock:
                    self._waiting.pop(run_id, None)
                raise TimeoutError(f"run {run_id} did not finish within {self.operation_timeout_s:g} s")
            status = self._statuses.get(run_id)
            if status != "succeeded":
                raise LoadOperationError(f"run {run_id} ended {status}")

        yield operate

    def finish(self) -> dict[str, int]:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(self.operation_timeout_s)
        with ThreadPoolExecutor(max_workers=VERIFY_THREADS) as pool:
            views = list(pool.map(self._view, list(self.submitted)))
        lost = sum(1 for view in views if view is None or not view.finished)
        duplicated = sum(1 for view in views if view is not None for step in view.steps if step.applied > 1)
        return {"runs": len(views), "lost": lost, "duplicated": duplicated}

    def environment(self) -> dict[str, str]:
        return {"system": self.adapter.name}

    def _view(self, run_id: str) -> RunView | None:
        try:
            return self.adapter.run(run_id)
        except Exception:  # the system does not know the run: lost
            return None

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_PAUSE_S):
            with self._lock:
                pending = list(self._waiting)
            if not pending:
                continue
            try:
                statuses = self._poll(pending)
            except Exception:  # a failed poll is tried again; the operation's own timeout bounds the wait
                continue
            with self._lock:
                for run_id, status in statuses.items():
                    if status in ("succeeded", "failed", "cancelled") and run_id in self._waiting:
                        self._statuses[run_id] = status
                        self._waiting.pop(run_id).set()

    def _poll(self, pending: list[str]) -> dict[str, Any]:
        if self._list_all:
            try:
                return self.adapter.stored_statuses()
            except NotSupported:
                self._list_all = False
        return {run_id: self.adapter.run(run_id).status for run_id in pending}
