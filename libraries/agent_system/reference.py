"""The adapter of the reference orchestrator (``orchestrator/``): processes, HTTP API, PostgreSQL and Redis.

The orchestrator's Redis key layout and statuses come from ``orchestrator.keys`` and ``orchestrator.states`` (both
standard library only), so the adapter reads the keys the system writes instead of spelling them a second time.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import redis
from psycopg.rows import dict_row

from orchestrator.keys import RUN_FIELDS, STATUS_FIELD, Keys
from orchestrator.processes import pid_alive
from orchestrator.settings import DEFECTS_VARIABLE, POOL_SIZES
from orchestrator.states import StepStatus

from .contract import (
    CONTRACT_VERSION,
    AgentSystemAdapter,
    Capability,
    ConnectionScope,
    NotSupported,
    RunCopy,
    RunView,
    StepView,
    SystemConfig,
    SystemProcess,
    result_digest,
    stop_processes,
    wait_until_ready,
)
from .error_kinds import error_from_text
from .errors import AgentSystemError, RunNotFound
from .forked_workers import ControlChannel, ForkedWorker

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
HTTP_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5


class ReferenceAdapter(AgentSystemAdapter):
    """``python -m orchestrator system`` as a child of the test process, dying with it on Linux."""

    name = "the reference orchestrator"
    contract_version = CONTRACT_VERSION
    expected_run_seconds = 0.3
    """p95 of one run at a time at rest against the emulator: 0.28-0.34 s measured on 2 cores. The kit's default
    deadlines are set for it (``libraries/agent_system/deadlines.py``)."""
    capabilities = frozenset(
        {
            Capability.KILL_WORKER,
            Capability.RESUMES_AFTER_CRASH,
            Capability.USAGE,
            Capability.STREAMING,
            Capability.CACHED_STATE,
            Capability.CACHE_REPAIR,
            Capability.DEAD_LETTERS,
            Capability.CANCEL,
            Capability.DEADLINE,
            Capability.PROVIDERS,
            Capability.SCRIPTED_PLAN,
            Capability.FAILPOINTS,
            Capability.CORRUPT_CACHE,
            Capability.CORRUPT_STORE,
            Capability.SEEDED_DEFECTS,
        }
    )

    def __init__(self) -> None:
        self.config: SystemConfig | None = None
        self.api_url = ""
        self._system: subprocess.Popen | None = None
        self._extra: list[ForkedWorker] = []
        self._control: ControlChannel | None = None
        self._http: httpx2.Client | None = None
        self._db: psycopg.Connection | None = None
        self._redis: redis.Redis | None = None
        self._keys = Keys()
        self._log = None
        self._started: list[SystemProcess] = []

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self, config: SystemConfig) -> None:
        self.config = config
        self._keys = Keys(config.key_prefix)
        self._log = open(config.log_file or os.devnull, "ab")  # noqa: SIM115 - kept open while the system runs
        with tempfile.TemporaryDirectory(prefix="agent-system-") as scratch:
            ready_file = Path(scratch, "ready.json")
            self._system = self._spawn(
                ["system", "--workers", str(config.workers), "--port", "0", "--ready-file", str(ready_file)]
            )
            ready = wait_until_ready(
                ready_file,
                self._system,
                "The reference orchestrator",
                log_file=config.log_file,
                timeout_s=START_TIMEOUT_S,
                error=AgentSystemError,
            )
        self.api_url = ready["api_url"]
        self._started = [
            SystemProcess("system", "warm parent", ready["pid"]),
            SystemProcess("api", "api", ready["api_pid"]),
            *(SystemProcess("agent", f"agent {pid}", pid) for pid in ready["agent_pids"]),
        ]
        self._control = ControlChannel(ready["control"])
        self._http = httpx2.Client(base_url=self.api_url, timeout=HTTP_TIMEOUT_S)
        self._db = psycopg.connect(
            config.check_database_url or config.database_url,
            connect_timeout=CONNECT_TIMEOUT_S,
            autocommit=True,
            row_factory=dict_row,
            options=f"-c search_path={config.schema} -c statement_timeout=10000",
        )
        self._redis = redis.Redis.from_url(
            config.check_redis_url or config.redis_url,
            socket_timeout=CONNECT_TIMEOUT_S,
            socket_connect_timeout=CONNECT_TIMEOUT_S,
            decode_responses=True,
        )

    def stop(self) -> None:
        stop_processes([p for p in (*self._extra, self._system) if p is not None], STOP_TIMEOUT_S)
        self._system, self._extra, self._control, self._started = None, [], None, []
        for resource in (self._http, self._db, self._redis, self._log):
            if resource is not None:
                resource.close()
        self._http = self._db = self._redis = self._log = None

    # -- runs -------------------------------------------------------------------------------------

    def submit(self, goal: str, *, provider: str, model: str, deadline_s: float | None = None) -> str:
        body = {"goal": goal, "provider": provider, "model": model, "deadline_s": deadline_s}
        answer = self._request("POST", "/runs", json={k: v for k, v in body.items() if v is not None})
        return answer["id"]

    def run(self, run_id: str) -> RunView:
        view = self._request("GET", f"/runs/{run_id}", accept=(200, 404))
        if view.get("status") == 404:
            raise RunNotFound(f"The orchestrator does not know run {run_id}: {view.get('error')}")
        steps = tuple(
            StepView(
                s["step_no"], s["status"], s["applied"], s["llm_calls"], s["deliveries"], error_from_text(s["error"])
            )
            for s in view["steps"]
        )
        return RunView(
            view["id"],
            view["status"],
            view["result"],
            error_from_text(view["error"]),
            steps,
            view["llm_calls"],
            view["input_tokens"],
            view["output_tokens"],
            view["cost_usd"],
            _moment(view["finished_at"]),
        )

    def plan_answer(self, steps: list[tuple[str, str, str]]) -> str:
        items = [{"description": d, "tool": tool or "none", "input": tool_input} for d, tool, tool_input in steps]
        return json.dumps({"steps": items})

    def cancel(self, run_id: str) -> None:
        self._request("POST", f"/runs/{run_id}/cancel", accept=(200, 409))

    def health(self) -> dict[str, Any]:
        return self._request("GET", "/health", accept=(200, 503))

    # -- workers ----------------------------------------------------------------------------------

    def workers(self) -> list[dict[str, Any]]:
        """The agents whose heartbeat key has not expired (the same keys ``/health`` counts)."""
        keys = list(self._redis.scan_iter(match=self._keys.heartbeats, count=500))
        return [json.loads(value) for value in self._redis.mget(keys) if value] if keys else []

    def kill_worker(self, name: str | None = None) -> str:
        workers = self.workers()
        if name is not None:
            workers = [worker for worker in workers if worker["name"] == name]
        else:
            running = self._db.execute("SELECT worker FROM steps WHERE status = %s", (StepStatus.RUNNING.value,))
            busy = {row["worker"] for row in running}
            workers.sort(key=lambda worker: worker["name"] not in busy)
        if not workers:
            raise AgentSystemError(f"No live worker{f' named {name}' if name else ''} to kill.")
        victim = workers[0]
        with contextlib.suppress(ProcessLookupError):  # it died already (a failpoint); its heartbeat had not expired
            os.kill(victim["pid"], signal.SIGKILL)
        self._reap(victim["pid"])
        self._redis.delete(self._keys.heartbeat(victim["name"]))
        return victim["name"]

    def work_of(self, worker: str) -> list[tuple[str, int]]:
        rows = self._db.execute(
            "SELECT run_id, step_no FROM steps WHERE status = %s AND worker = %s ORDER BY run_id, step_no",
            (StepStatus.RUNNING.value, worker),
        )
        return [(str(row["run_id"]), row["step_no"]) for row in rows]

    def start_worker(self, *, failpoint: str | None = None, **_options: Any) -> str:
        """A new agent process, forked by the running system's warm parent (milliseconds, no Python start-up);
        ``failpoint`` (``before_llm``, ``after_llm``, ``after_commit``) makes it SIGKILL itself at that point of its
        first step."""
        if self._control is None:
            raise NotSupported("The agent system is not started: call Start Agent System first.")
        worker = self._control.start_worker({"ORCH_FAILPOINT": failpoint} if failpoint else {})
        self._extra.append(worker)
        return worker.name

    def worker_processes(self) -> list[ForkedWorker]:
        return list(self._extra)

    # -- processes and connections ----------------------------------------------------------------

    def processes(self) -> list[SystemProcess]:
        """The warm parent, the API and every agent it forked (at start or later) that is still alive."""
        extra = [SystemProcess("agent", worker.name, worker.pid) for worker in self._extra]
        return [process for process in (*self._started, *extra) if pid_alive(process.pid)]

    def connection_scope(self) -> ConnectionScope:
        """Connections carry ``orchestrator-<schema>`` (``PGAPPNAME``); the API's pool and each agent's count."""
        agents = sum(process.role == "agent" for process in self.processes())
        return ConnectionScope(self._application_name(), POOL_SIZES["api"] + POOL_SIZES["agent"] * agents)

    def _application_name(self) -> str:
        return f"orchestrator-{self.config.schema}"[:63]

    # -- stores -----------------------------------------------------------------------------------

    def cached_status(self, run_id: str) -> str | None:
        return self._redis.hget(self._keys.run_status(run_id), STATUS_FIELD)

    def drop_cached_state(self) -> int:
        """Deletes every key of the system (streams, groups, cache, heartbeats), as a Redis that lost its data."""
        keys = list(self._redis.scan_iter(match=self._keys.everything, count=1000))
        return self._redis.delete(*keys) if keys else 0

    def dead_letters(self) -> list[dict[str, Any]]:
        return [fields for _, fields in self._redis.xrange(self._keys.dead_letters)]

    def stored_statuses(self) -> dict[str, str]:
        return {str(row["id"]): row["status"] for row in self._db.execute("SELECT id, status FROM runs")}

    def stored_run(self, run_id: str) -> RunCopy | None:
        """The ``runs`` row in PostgreSQL and its number of steps."""
        row = self._db.execute(
            "SELECT status, result, finished_at, (SELECT count(*) FROM steps s WHERE s.run_id = runs.id) AS step_count "
            "FROM runs WHERE id = %s",
            (run_id,),
        ).fetchone()
        if row is None:
            return None
        digest = result_digest(row["result"])
        return RunCopy(row["status"], row["step_count"], digest, row["result"], row["finished_at"])

    def cached_run(self, run_id: str) -> RunCopy | None:
        """The run's hash in Redis (``orchestrator.keys.Keys.run``)."""
        cached = self._redis.hgetall(self._keys.run(run_id))
        if not cached:
            return None
        steps = cached.get("step_count")
        return RunCopy(
            cached.get("status"),
            int(steps) if steps and steps.isdigit() else steps,
            cached.get("result_digest"),
            cached.get("result"),
            _moment(cached.get("finished_at")),
        )

    def corrupt_cached_run(self, run_id: str, **fields: Any) -> None:
        unknown = sorted(set(fields) - set(RUN_FIELDS))
        if unknown:
            raise AgentSystemError(f"A cached run has the fields {', '.join(RUN_FIELDS)}, not {', '.join(unknown)}.")
        self._redis.hset(self._keys.run(run_id), mapping={name: str(value) for name, value in fields.items()})

    def delete_cached_run(self, run_id: str) -> bool:
        return bool(self._redis.delete(self._keys.run(run_id)))

    def corrupt_stored_result(self, run_id: str, result: str) -> None:
        """An UPDATE of ``runs.result`` alone: the run's version stays, as if the row had been edited by hand."""
        updated = self._db.execute("UPDATE runs SET result = %s WHERE id = %s RETURNING id", (result, run_id))
        if updated.fetchone() is None:
            raise AgentSystemError(f"There is no run {run_id} to corrupt.")

    # -- plumbing ---------------------------------------------------------------------------------

    def _spawn(self, arguments: list[str], extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        command = [sys.executable, "-m", "orchestrator", *arguments, "--die-with-parent"]
        return subprocess.Popen(
            command,
            env={**self._environment(), **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def _environment(self) -> dict[str, str]:
        config = self.config
        inherited = {name: value for name, value in os.environ.items() if not name.startswith("ORCH_")}
        env = {name: value for name, value in inherited.items() if name not in (DEFECTS_VARIABLE, "PGAPPNAME")}
        settings = {
            "ORCH_DATABASE_URL": config.database_url,
            "ORCH_SCHEMA": config.schema,
            "ORCH_REDIS_URL": config.redis_url,
            "ORCH_KEY_PREFIX": config.key_prefix,
            "ORCH_OPENAI_BASE_URL": config.openai_base_url,
            "ORCH_ANTHROPIC_BASE_URL": config.anthropic_base_url,
            "ORCH_OPENAI_API_KEY": config.openai_api_key,
            "ORCH_ANTHROPIC_API_KEY": config.anthropic_api_key,
            "ORCH_WORKERS": str(config.workers),
            "ORCH_VISIBILITY_TIMEOUT": str(config.visibility_timeout_s),
            "ORCH_MAX_DELIVERIES": str(config.max_deliveries),
            "ORCH_HEARTBEAT_INTERVAL": "0.5",
            "ORCH_LLM_TIMEOUT": None if config.llm_timeout_s is None else f"{config.llm_timeout_s:g}",
            DEFECTS_VARIABLE: ",".join(config.defects) or None,
            "PGAPPNAME": self._application_name(),
        }
        return {**env, **{name: value for name, value in settings.items() if value is not None}}

    def _request(self, method: str, path: str, *, accept: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        if self._http is None:
            raise NotSupported("The agent system is not started: call Start Agent System first.")
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx2.HTTPError as error:
            raise AgentSystemError(f"The orchestrator API did not answer {method} {path}: {error}") from None
        if response.status_code not in accept:
            raise AgentSystemError(
                f"The orchestrator API answered {method} {path} with {response.status_code}: {response.text[:300]}"
            )
        return response.json()

    def _reap(self, pid: int) -> None:
        for process in self._extra:
            if process.pid == pid:
                process.wait(timeout=STOP_TIMEOUT_S)


def _moment(text: str | None) -> datetime | Any:
    """An ISO 8601 time as a datetime; anything else (a corrupted cache field) as it is."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return text
