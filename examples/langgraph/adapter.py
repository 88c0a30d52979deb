"""The adapter of the LangGraph example: worker processes, runs in ``lg_runs``, steps from LangGraph's checkpoints.

Select it with ``AGENT_SYSTEM=examples.langgraph.adapter:LangGraphAdapter`` (needs its lock:
``python3 scripts/setup.py --examples``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from libraries.agent_system.contract import (
    CONTRACT_VERSION,
    TERMINAL,
    AgentSystemAdapter,
    Capability,
    NotSupported,
    RunCopy,
    RunView,
    StepView,
    SystemConfig,
    SystemProcess,
    stop_processes,
    wait_until_ready,
)
from libraries.agent_system.error_kinds import error_from_text

from . import store
from .graph import AGENTS, OUTPUTS

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0

STEPS_SQL = """
SELECT channel, count(DISTINCT task_id) AS tasks
FROM checkpoint_writes
WHERE thread_id = %s AND checkpoint_ns = '' AND channel = ANY(%s)
GROUP BY channel
"""
CALLS_SQL = """
SELECT node, count(*) AS started, count(*) FILTER (WHERE status = 'answered') AS answered,
       coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
       coalesce(sum(cost_usd), 0) AS cost_usd
FROM lg_llm_calls WHERE run_id = %s GROUP BY node
"""


class LangGraphError(RuntimeError):
    ROBOT_SUPPRESS_NAME = True


class LangGraphAdapter(AgentSystemAdapter):
    """Worker processes of ``python -m examples.langgraph.app`` as children of the test process."""

    name = "the LangGraph example"
    contract_version = CONTRACT_VERSION
    expected_run_seconds = 0.6
    """p95 of one run at a time at rest against the emulator: 0.5-0.7 s measured on 2 cores (p50 as the
    reference's, a longer tail): the kit's default deadlines are doubled for it."""
    capabilities = frozenset(
        {Capability.KILL_WORKER, Capability.RESUMES_AFTER_CRASH, Capability.USAGE, Capability.STREAMING}
    )

    def __init__(self) -> None:
        self.config: SystemConfig | None = None
        self._workers: dict[str, subprocess.Popen] = {}
        self._started = 0
        self._db: psycopg.Connection | None = None
        self._log = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self, config: SystemConfig) -> None:
        if not config.openai_base_url:
            raise LangGraphError(f"{self.name} needs an OpenAI base URL (openai_base_url).")
        self.config = config
        self._log = open(config.log_file or os.devnull, "ab")  # noqa: SIM115 - kept open while the system runs
        self._db = store.connect(config.database_url, config.schema)
        store.prepare(self._db)
        for _ in range(config.workers):
            self.start_worker()

    def stop(self) -> None:
        stop_processes(list(self._workers.values()), STOP_TIMEOUT_S)
        self._workers = {}
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
        return store.add_run(self._connection(), goal, model)

    def run(self, run_id: str) -> RunView:
        """Status from ``lg_runs``; a step per agent node that started, ``applied`` = the node's tasks whose writes
        LangGraph committed (``checkpoint_writes``), ``llm_calls`` = answers received, ``deliveries`` = starts."""
        db = self._connection()
        run = db.execute("SELECT status, result, error FROM lg_runs WHERE id = %s", (run_id,)).fetchone()
        if run is None:
            raise LangGraphError(f"{self.name} has no run {run_id}.")
        calls = {row["node"]: row for row in db.execute(CALLS_SQL, (run_id,))}
        applied = {row["channel"]: row["tasks"] for row in db.execute(STEPS_SQL, (run_id, list(OUTPUTS.values())))}
        steps = []
        for number, node in enumerate(AGENTS, start=1):
            times, node_calls = applied.get(OUTPUTS[node], 0), calls.get(node)
            failed = run["status"] == "failed" and (run["error"] or "").startswith(f"{node}:")
            if not (times or node_calls or failed):
                continue
            status = "succeeded" if times else "failed" if failed or run["status"] in TERMINAL else "running"
            answers, starts = (node_calls["answered"], node_calls["started"]) if node_calls else (0, 0)
            error = error_from_text(run["error"]) if failed else None
            steps.append(StepView(number, status, times, answers, starts, error))
        return RunView(
            run_id,
            run["status"],
            run["result"],
            error_from_text(run["error"]),
            tuple(steps),
            sum(row["answered"] for row in calls.values()),
            sum(row["input_tokens"] for row in calls.values()),
            sum(row["output_tokens"] for row in calls.values()),
            sum(row["cost_usd"] for row in calls.values()),
        )

    def stored_run(self, run_id: str) -> RunCopy | None:
        """The run as ``lg_runs`` and the checkpoints hold it (the rows `run` reads: this system keeps no cache and
        no finish time); None: no such run."""
        try:
            return RunCopy.of(self.run(run_id))
        except LangGraphError:
            return None

    def health(self) -> dict[str, Any]:
        started = time.monotonic()
        try:
            self._connection().execute("SELECT 1")
            database = {"status": "ok", "latency_ms": round((time.monotonic() - started) * 1000, 1)}
        except psycopg.Error as error:
            database = {"status": "down", "error": type(error).__name__}
        live = [worker["name"] for worker in self.workers()]
        status = "down" if database["status"] != "ok" else "ok" if live else "degraded"
        return {"status": status, "database": database, "workers": {"live": len(live), "names": live}}

    # -- workers ----------------------------------------------------------------------------------

    def workers(self) -> list[dict[str, Any]]:
        return [{"name": name, "pid": process.pid} for name, process in self._workers.items() if process.poll() is None]

    def processes(self) -> list[SystemProcess]:
        """Its worker processes: the system has no other process of its own."""
        return [SystemProcess("worker", worker["name"], worker["pid"]) for worker in self.workers()]

    def kill_worker(self, name: str | None = None) -> str:
        live = [worker["name"] for worker in self.workers()]
        if name is not None:
            live = [worker for worker in live if worker == name]
        else:
            busy = {
                row["worker"]
                for row in self._connection().execute("SELECT worker FROM lg_runs WHERE status = 'running'")
            }
            live.sort(key=lambda worker: worker not in busy)
        if not live:
            raise LangGraphError(f"No live worker{f' named {name}' if name else ''} to kill.")
        process = self._workers.pop(live[0])
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)
        return live[0]

    def start_worker(self, **options: Any) -> str:
        """A new worker process; returns its name once it takes runs."""
        if options:
            raise NotSupported(f"{self.name} workers take no options: {sorted(options)}")
        self._started += 1
        name = f"lg-worker-{self._started}"
        with tempfile.TemporaryDirectory(prefix="langgraph-worker-") as scratch:
            ready = Path(scratch, "ready")
            process = subprocess.Popen(
                [sys.executable, "-m", "examples.langgraph.app", "--ready-file", str(ready), "--die-with-parent"],
                cwd=ROOT,
                env=self._environment(name),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
            self._workers[name] = process
            wait_until_ready(
                ready, process, name, log_file=self.config.log_file, timeout_s=START_TIMEOUT_S, error=LangGraphError
            )
        return name

    # -- plumbing ---------------------------------------------------------------------------------

    def _environment(self, name: str) -> dict[str, str]:
        config = self.config
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("LG_", "LANGCHAIN_", "LANGSMITH_", "OPENAI_"))
        }
        return {
            **inherited,
            "LG_DATABASE_URL": config.database_url,
            "LG_SCHEMA": config.schema,
            "LG_OPENAI_BASE_URL": config.openai_base_url,
            "LG_OPENAI_API_KEY": config.openai_api_key or "unused",
            "LG_WORKER_NAME": name,
        }

    def _connection(self) -> psycopg.Connection:
        if self._db is None:
            raise NotSupported(f"{self.name} is not started: call Start Agent System first.")
        return self._db
