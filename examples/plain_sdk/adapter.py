"""The adapter of the plain-SDK example: a launcher starts one process per run; runs and steps from PostgreSQL.

Select it with ``AGENT_SYSTEM=plain_sdk`` (or ``examples.plain_sdk.adapter:PlainSdkAdapter``). The run processes
run on the interpreter named by ``PLAIN_SDK_PYTHON`` (default: the kit's own), so the system may live in a
virtualenv of its own.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import redis

from libraries.agent_system.contract import (
    CONTRACT_VERSION,
    AgentSystemAdapter,
    Capability,
    ConnectionScope,
    NotSupported,
    RunCopy,
    RunError,
    RunView,
    StepView,
    SystemConfig,
    SystemProcess,
)

from . import store
from .launcher import Launcher, environment

ROOT = Path(__file__).resolve().parents[2]
PYTHON_SETTING = "PLAIN_SDK_PYTHON"
STOP_TIMEOUT_S = 10.0
WORKER_PREFIX = "run-"

RUN_SQL = """
SELECT status, result, error_kind, error_message, error_provider, error_status, finished_at
FROM ps_runs WHERE id = %s
"""
STEPS_SQL = """
SELECT s.number, s.status, s.applied,
       coalesce((SELECT sum(c.requests) FROM ps_llm_calls c WHERE c.run_id = s.run_id AND c.step = s.number), 0)
         AS requests
FROM ps_steps s WHERE s.run_id = %s ORDER BY s.number
"""
USAGE_SQL = """
SELECT coalesce(sum(requests), 0) AS requests, coalesce(sum(input_tokens), 0) AS input_tokens,
       coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(cost_usd), 0) AS cost_usd
FROM ps_llm_calls WHERE run_id = %s
"""


class PlainSdkError(RuntimeError):
    ROBOT_SUPPRESS_NAME = True


class PlainSdkAdapter(AgentSystemAdapter):
    """Run processes of ``python -m examples.plain_sdk.run`` started by a launcher thread of the test process.

    ``python`` (else ``PLAIN_SDK_PYTHON``, else the kit's interpreter) runs them. The config's ``workers`` is the
    most run processes alive at once; the runs beyond wait ``pending``. "Workers" for the kit are the run
    processes: `kill_worker` SIGKILLs one, and its run fails (kind ``crashed``); nothing resumes it.
    """

    name = "the plain-SDK example"
    contract_version = CONTRACT_VERSION
    capabilities = frozenset({Capability.KILL_WORKER, Capability.USAGE})
    expected_run_seconds = 2.0
    """A process start (≈1 s: Python, the SDK, psycopg) and four to eight model calls."""

    def __init__(self, python: str | None = None) -> None:
        self.python = python or os.environ.get(PYTHON_SETTING) or sys.executable
        self.config: SystemConfig | None = None
        self.launcher: Launcher | None = None
        self._db: psycopg.Connection | None = None
        self._log = None
        self._interrupted: dict[str, list[tuple[str, int]]] = {}

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self, config: SystemConfig) -> None:
        if not config.openai_base_url:
            raise PlainSdkError(f"{self.name} needs an OpenAI base URL (openai_base_url).")
        self.config = config
        self._log = open(config.log_file or os.devnull, "ab")  # noqa: SIM115 - kept open while the system runs
        self._db = store.connect(config.database_url, config.schema, self._application_name())
        store.prepare(self._db)
        self.launcher = Launcher(
            [self.python, "-m", "examples.plain_sdk.run"],
            environment(self._settings()),
            database_url=config.database_url,
            schema=config.schema,
            limit=config.workers,
            cwd=str(ROOT),
            output=self._log,
            application_name=self._application_name(),
        )
        self.launcher.start()

    def stop(self) -> None:
        if self.launcher is not None:
            self.launcher.stop(STOP_TIMEOUT_S)
        self.launcher = None
        for resource in (self._db, self._log):
            if resource is not None:
                resource.close()
        self._db = self._log = None

    # -- runs -------------------------------------------------------------------------------------

    def submit(self, goal: str, *, provider: str, model: str, deadline_s: float | None = None) -> str:
        if provider != "openai":
            raise NotSupported(f"{self.name} calls OpenAI only, not {provider!r} (capability '{Capability.PROVIDERS}')")
        if deadline_s is not None:
            raise NotSupported(f"{self.name} has no run deadlines (capability '{Capability.DEADLINE}')")
        run_id = store.add_run(self._connection(), goal, model)
        self._running().wake()
        return run_id

    def run(self, run_id: str) -> RunView:
        """Status, result and error from ``ps_runs``; a step per planned step, ``llm_calls`` = its HTTP requests
        (SDK retries included); tokens and cost of every call of the run."""
        db = self._connection()
        try:
            run = db.execute(RUN_SQL, (run_id,)).fetchone()
        except psycopg.errors.InvalidTextRepresentation:
            run = None
        if run is None:
            raise PlainSdkError(f"{self.name} has no run {run_id}.")
        error = None
        if run["error_kind"]:
            error = RunError(run["error_kind"], run["error_message"] or "", run["error_provider"], run["error_status"])
        steps = tuple(
            StepView(
                row["number"],
                row["status"],
                row["applied"],
                int(row["requests"]),
                0 if row["status"] == "pending" else 1,
                error if row["status"] == "failed" else None,
            )
            for row in db.execute(STEPS_SQL, (run_id,))
        )
        usage = db.execute(USAGE_SQL, (run_id,)).fetchone()
        return RunView(
            run_id,
            run["status"],
            run["result"],
            error,
            steps,
            int(usage["requests"]),
            int(usage["input_tokens"]),
            int(usage["output_tokens"]),
            float(usage["cost_usd"]),
            run["finished_at"],
        )

    def stored_run(self, run_id: str) -> RunCopy | None:
        """The run as ``ps_runs`` and ``ps_steps`` hold it (what `run` reads: the system has no API of its own)."""
        try:
            return RunCopy.of(self.run(run_id))
        except PlainSdkError:
            return None

    def stored_statuses(self) -> dict[str, str]:
        return {str(row["id"]): row["status"] for row in self._connection().execute("SELECT id, status FROM ps_runs")}

    def health(self) -> dict[str, Any]:
        database = _probe(lambda: self._connection().execute("SELECT 1"), psycopg.Error)
        with store.redis_client(self.config.redis_url) as client:
            cache = _probe(client.ping, redis.RedisError)
        launcher = "ok" if self.launcher is not None and self.launcher._thread.is_alive() else "down"
        status = "ok" if database["status"] == cache["status"] == launcher == "ok" else "down"
        return {"status": status, "database": database, "redis": cache, "launcher": launcher}

    # -- run processes ----------------------------------------------------------------------------

    def workers(self) -> list[dict[str, Any]]:
        """The live run processes, named ``run-<run id>``."""
        return [{"name": f"{WORKER_PREFIX}{run_id}", "pid": pid} for run_id, pid in self._running().live().items()]

    def processes(self) -> list[SystemProcess]:
        """Every live run process: the launcher is a thread of the test process, not a process of its own."""
        return [SystemProcess("run", worker["name"], worker["pid"]) for worker in self.workers()]

    def kill_worker(self, name: str | None = None) -> str:
        """SIGKILLs the process of a run (``name``, else the oldest live one); its run fails, kind ``crashed``."""
        live = [worker["name"] for worker in self.workers()]
        if name is not None:
            live = [worker for worker in live if worker == name]
        if not live:
            raise PlainSdkError(f"No live run process{f' named {name}' if name else ''} to kill.")
        run_id = live[0].removeprefix(WORKER_PREFIX)
        self._interrupted[live[0]] = [
            (run_id, row["number"])
            for row in self._connection().execute(
                "SELECT number FROM ps_steps WHERE run_id = %s AND status = 'running'", (run_id,)
            )
        ]
        self._running().kill(run_id)
        return live[0]

    def work_of(self, worker: str) -> list[tuple[str, int]]:
        """The steps the run process was in when `kill_worker` killed it (none while it was planning)."""
        return self._interrupted.get(worker, [])

    def start_worker(self, **options: Any) -> str:
        raise NotSupported(
            f"{self.name} starts one process per run when the run is submitted: there is no worker to start"
        )

    def connection_scope(self) -> ConnectionScope:
        """Each run process holds one connection; the launcher and the adapter one each."""
        return ConnectionScope(self._application_name(), self._running().limit + 2)

    # -- plumbing ---------------------------------------------------------------------------------

    def _settings(self) -> dict[str, str]:
        config = self.config
        settings = {
            "PS_DATABASE_URL": config.database_url,
            "PS_SCHEMA": config.schema,
            "PS_REDIS_URL": config.redis_url,
            "PS_KEY_PREFIX": config.key_prefix,
            "PS_OPENAI_BASE_URL": config.openai_base_url,
            "PS_OPENAI_API_KEY": config.openai_api_key or "unused",
            "PS_APPLICATION_NAME": self._application_name(),
            "PS_DIE_WITH_PARENT": "1",
        }
        if config.llm_timeout_s is not None:
            settings["PS_LLM_TIMEOUT_S"] = str(config.llm_timeout_s)
        return settings

    def _application_name(self) -> str:
        return f"plain_sdk {self.config.schema}"[:63]

    def _connection(self) -> psycopg.Connection:
        if self._db is None:
            raise NotSupported(f"{self.name} is not started: call Start Agent System first.")
        return self._db

    def _running(self) -> Launcher:
        if self.launcher is None:
            raise NotSupported(f"{self.name} is not started: call Start Agent System first.")
        return self.launcher


def _probe(check, errors: type[Exception] | tuple[type[Exception], ...]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        check()
    except errors as error:
        return {"status": "down", "error": type(error).__name__}
    return {"status": "ok", "latency_ms": round((time.monotonic() - started) * 1000, 1)}
