"""Runs per second and end-to-end latency of the reference orchestrator with 1, 2 and 4 agent processes.

    .venv/bin/python benchmarks/orchestrator_throughput.py [--runs 200] [--in-flight 16] [--workers 1,2,4]

Starts the embedded PostgreSQL, Redis and llmock once, then for each worker count a fresh namespace (schema + key
prefix) and ``python -m orchestrator system --workers N`` through `ReferenceAdapter`. Closed model: ``--in-flight``
runs are kept submitted until ``--runs`` have finished (after ``--warmup`` runs that are not counted), or until
``--timeout`` seconds have passed. A run's latency is from just before ``POST /runs`` to the ``GET /runs/{id}`` that
shows its terminal status. ``--poll db`` (the default) finds finished runs with one query on the runs table per
interval and then confirms each with ``GET /runs/{id}``; ``--poll api`` polls ``GET /runs/{id}`` for every run in
flight, which loads the API process the system under test shares the cores with. A succeeded run must show every
planned step applied once and one model call per step, or it is reported.

The emulator answers at once. Its plan (``--steps`` steps, tool ``none``) is scripted for this benchmark's model
name only; it cannot tell the planner's and the aggregator's calls apart (both unstreamed, without tools), so the
aggregator gets the same text back: each run is 2 + ``--steps`` model calls. The scaling ratio is runs/s with N
agents divided by runs/s with 1; on a 2-core machine shared by every process involved, about 2x is the ceiling.
Beside it: CPU time per run of the API process and of the agents (from /proc), and how busy the whole machine was
while measuring, since other work on a shared machine skews the ratios. Every process started here is stopped at
the end, also after an error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import psycopg

from libraries.agent_system.contract import TERMINAL, SystemConfig
from libraries.agent_system.reference import ReferenceAdapter
from libraries.services.lifecycle import endpoints_for, start_run, stop_run
from libraries.services.namespaces import NamespaceStore, namespace_for
from libraries.services.processes import ProcessId
from libraries.services.runtime import Endpoints

REPO = Path(__file__).resolve().parents[1]
OWNER = ProcessId.of(os.getpid())
SCOPE = uuid.uuid4().hex[:12]
MODEL = f"gpt-4o-mini@{SCOPE}"
WORKERS_LIVE_TIMEOUT_S = 30.0
HTTP_TIMEOUT_S = 30.0


@dataclass
class Result:
    workers: int
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    first_error: str | None = None
    timed_out: bool = False
    unexpected: int = 0
    """Succeeded runs whose steps or model calls are not what the plan asked for."""
    cpu_ms_per_run: dict[str, float] = field(default_factory=dict)
    """CPU time of the API process and of all agent processes, per measured run."""
    machine_busy: float = float("nan")
    """Share of the machine's CPU time that was busy (every process, not only this benchmark's) while measuring."""

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, cut: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[cut - 1]


class Driver:
    """Submits runs and sees them finish, over the system's HTTP API (and its runs table with ``--poll db``)."""

    def __init__(self, api_url: str, database_url: str, schema: str, arguments: argparse.Namespace) -> None:
        self.http = httpx2.Client(base_url=api_url, timeout=HTTP_TIMEOUT_S)
        self.interval, self.steps = arguments.interval, arguments.steps
        self.db = None
        if arguments.poll == "db":
            options = f"-c search_path={schema} -c statement_timeout=10000"
            self.db = psycopg.connect(database_url, autocommit=True, connect_timeout=5, options=options)

    def close(self) -> None:
        self.http.close()
        if self.db is not None:
            self.db.close()

    def closed_loop(self, result: Result, count: int, in_flight: int, deadline: float) -> Result:
        pending: dict[str, float] = {}
        submitted = finished = 0
        started = time.perf_counter()
        while finished < count:
            while submitted < count and len(pending) < in_flight:
                submitted_at = time.perf_counter()
                pending[self.submit()] = submitted_at
                submitted += 1
            for run_id, view, seen_at in self.finished_runs(list(pending)):
                result.latencies.append(seen_at - pending.pop(run_id))
                result.statuses[view["status"]] += 1
                if view["status"] != "succeeded" and result.first_error is None:
                    result.first_error = f"{view['status']}: {view['error']}"
                elif view["status"] == "succeeded" and not self.as_planned(view):
                    result.unexpected += 1
                finished += 1
            if time.perf_counter() > deadline:
                result.timed_out = finished < count
                break
            time.sleep(self.interval)
        result.elapsed = time.perf_counter() - started
        return result

    def as_planned(self, view: dict) -> bool:
        """Every planned step applied exactly once, one model call per step plus the plan and the final answer."""
        steps = view["steps"]
        return (
            len(steps) == self.steps and all(s["applied"] == 1 for s in steps) and view["llm_calls"] == self.steps + 2
        )

    def submit(self) -> str:
        response = self.http.post("/runs", json={"goal": "Summarise the plan", "provider": "openai", "model": MODEL})
        response.raise_for_status()
        return response.json()["id"]

    def finished_runs(self, run_ids: list[str]) -> list[tuple[str, dict, float]]:
        """(run id, its GET /runs/{id} view, when that answer arrived) for each run that has ended."""
        if self.db is not None:
            rows = self.db.execute(
                "SELECT id::text FROM runs WHERE id = ANY(%s::uuid[]) AND finished_at IS NOT NULL", (run_ids,)
            ).fetchall()
            run_ids = [row[0] for row in rows]
        ended = []
        for run_id in run_ids:
            response = self.http.get(f"/runs/{run_id}")
            response.raise_for_status()
            view = response.json()
            if view["status"] in TERMINAL:
                ended.append((run_id, view, time.perf_counter()))
        return ended


def orchestrator_lines() -> tuple[int, int, int]:
    """Lines of Python, lines of SQL and the number of files of the ``orchestrator/`` package."""
    files = sorted([*(REPO / "orchestrator").glob("*.py"), *(REPO / "orchestrator").glob("*.sql")])
    lines = {path: len(path.read_text().splitlines()) for path in files}
    python = sum(n for path, n in lines.items() if path.suffix == ".py")
    return python, sum(lines.values()) - python, len(files)


def script_plan(emulator_url: str, steps: int) -> None:
    """A permanent plan of `steps` steps for this benchmark's model name, on the run's private emulator."""
    plan = {"steps": [{"description": f"Step {n}", "tool": "none", "input": ""} for n in range(1, steps + 1)]}
    rule = {
        "type": "reply",
        "text": json.dumps(plan),
        "times": None,
        "match": {"provider": "openai", "model": f"*@{SCOPE}", "stream": False, "tools": False},
    }
    response = httpx2.post(f"{emulator_url}/_llmock/scenario", json={"behaviors": [rule]}, timeout=10)
    response.raise_for_status()


def processes_with(environment_entry: str) -> list[int]:
    """Pids of live (not zombie) processes whose environment holds `environment_entry`."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            entries = environ.read_bytes().split(b"\0")
            state = Path(environ.parent, "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if environment_entry.encode() in entries and state != "Z":
            found.append(int(environ.parent.name))
    return found


def system_processes(key_prefix: str, agent_pids: set[int]) -> dict[str, list[int]]:
    """The pids of the system's API and agent processes, found by the key prefix in their environment.

    The agents are forked by the system (same command line), so they are told apart by their heartbeats' pids; the
    system itself, a child of this script, is neither."""
    roles: dict[str, list[int]] = {"api": [], "agents": []}
    for pid in processes_with(f"ORCH_KEY_PREFIX={key_prefix}"):
        with contextlib.suppress(OSError, IndexError):
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            if pid in agent_pids:
                roles["agents"].append(pid)
            elif parent != os.getpid():
                roles["api"].append(pid)
    return roles


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of `pids` (threads included), in seconds."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    values = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def wait_for_workers(adapter: ReferenceAdapter, workers: int) -> None:
    deadline = time.monotonic() + WORKERS_LIVE_TIMEOUT_S
    while adapter.health()["workers"]["live"] < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{workers} agents did not report live within {WORKERS_LIVE_TIMEOUT_S:g} s")
        time.sleep(0.1)


def measure(endpoints: Endpoints, workers: int, arguments: argparse.Namespace, logs: str) -> Result:
    """One configuration in its own namespace; its processes, schema and keys are gone when this returns."""
    namespace = namespace_for(endpoints.run_id, f"orchestrator_throughput.w{workers}", os.getpid())
    store = NamespaceStore(endpoints.database_url, endpoints.redis_url)
    adapter = ReferenceAdapter()
    driver = None
    config = SystemConfig(
        database_url=endpoints.database_url,
        schema=namespace.schema,
        redis_url=endpoints.redis_url,
        key_prefix=namespace.key_prefix,
        openai_base_url=f"{endpoints.llm_emulator_url}/v1",
        anthropic_base_url=f"{endpoints.llm_emulator_url}/anthropic",
        openai_api_key="emulator-key",
        anthropic_api_key="emulator-key",
        workers=workers,
        log_file=str(Path(logs, f"system-{workers}.log")),
    )
    try:
        store.create(namespace, OWNER)
        adapter.start(config)
        wait_for_workers(adapter, workers)
        driver = Driver(adapter.api_url, endpoints.database_url, namespace.schema, arguments)
        deadline = time.perf_counter() + arguments.timeout
        driver.closed_loop(Result(workers), arguments.warmup, arguments.in_flight, deadline)
        roles = system_processes(namespace.key_prefix, {worker["pid"] for worker in adapter.workers()})
        cpu_before = {role: cpu_seconds(pids) for role, pids in roles.items()}
        busy_before, total_before = machine_ticks()
        result = driver.closed_loop(Result(workers), arguments.runs, arguments.in_flight, deadline)
        busy_after, total_after = machine_ticks()
        finished = max(1, len(result.latencies))
        result.cpu_ms_per_run = {
            role: (cpu_seconds(pids) - cpu_before[role]) * 1000 / finished for role, pids in roles.items()
        }
        result.machine_busy = (busy_after - busy_before) / max(1, total_after - total_before)
        return result
    finally:
        try:
            if driver is not None:
                driver.close()
            adapter.stop()
        finally:
            left = processes_with(f"ORCH_KEY_PREFIX={namespace.key_prefix}")
            for pid in left:  # started by this script (its key prefix is in their environment); not expected
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if left:
                print(f"  warning: {len(left)} process(es) outlived the system stop and were killed: {left}")
            store.drop(namespace)
            store.close()


def report(results: list[Result]) -> None:
    base = next((r for r in results if r.workers == 1), results[0])
    versus = f"vs {base.workers} agent{'s' if base.workers > 1 else ''}"
    columns = (
        f"{'agents':>6} {'runs':>5} {'ok':>5} {'failed':>6} {'seconds':>8} {'runs/s':>7} {'p50 ms':>8} {'p95 ms':>8}"
    )
    print(f"\n{columns}  {versus:>10}   {'CPU ms/run: API':>15} {'agents':>7}   {'machine busy':>12}")
    for result in results:
        ok = result.statuses["succeeded"]
        ratio = result.per_second / base.per_second if base.per_second else float("nan")
        print(
            f"{result.workers:>6} {len(result.latencies):>5} {ok:>5} {len(result.latencies) - ok:>6} "
            f"{result.elapsed:>8.2f} {result.per_second:>7.2f} {result.percentile(50) * 1000:>8.0f} "
            f"{result.percentile(95) * 1000:>8.0f}  {ratio:>9.2f}x   {result.cpu_ms_per_run.get('api', 0):>15.1f} "
            f"{result.cpu_ms_per_run.get('agents', 0):>7.1f}   {result.machine_busy:>12.0%}"
            + ("  (timed out)" if result.timed_out else "")
        )
        if result.first_error:
            print(f"       first failure: {result.first_error[:200]}")
        if result.unexpected:
            print(f"       {result.unexpected} succeeded run(s) without every step applied once and one call each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="measured runs per configuration")
    parser.add_argument("--warmup", type=int, default=16, help="runs per configuration before measuring")
    parser.add_argument("--in-flight", type=int, default=16, help="runs kept submitted at once (closed model)")
    parser.add_argument("--workers", default="1,2,4", help="agent process counts, comma-separated")
    parser.add_argument("--steps", type=int, default=3, help="steps in each run's plan (1 to 8)")
    parser.add_argument("--poll", choices=("db", "api"), default="db", help="how finished runs are found")
    parser.add_argument("--interval", type=float, default=0.01, help="seconds between polls")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per configuration at most")
    arguments = parser.parse_args()
    worker_counts = [int(n) for n in arguments.workers.split(",")]
    if not 1 <= arguments.steps <= 8 or min(worker_counts) < 1 or arguments.runs < 1 or arguments.in_flight < 1:
        parser.error("--steps takes 1 to 8; --workers, --runs and --in-flight take 1 or more")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # runs the finally blocks, as Ctrl-C does

    python_lines, sql_lines, files = orchestrator_lines()
    cores = os.cpu_count() or 1
    print(
        f"orchestrator/ package: {python_lines + sql_lines} lines "
        f"({python_lines} Python + {sql_lines} SQL, {files} files)"
    )
    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.1f} at the start")
    ceiling = min(cores, max(worker_counts))
    print(
        "  shared by the API, the agents, PostgreSQL, Redis, llmock and this driver: "
        f"on {cores} cores the honest ceiling for the scaling ratio is about {ceiling}x"
    )
    print(
        f"load: closed model, {arguments.in_flight} runs in flight, {arguments.runs} measured runs per configuration "
        f"after {arguments.warmup} warm-up runs, {arguments.steps} steps per run ({arguments.steps + 2} model calls), "
        f"emulator answering at once"
    )
    poll = (
        "SELECT on the runs table, then GET /runs/{id} per finished run"
        if arguments.poll == "db"
        else "GET /runs/{id} for every run in flight"
    )
    print(f"completion: {poll}, every {arguments.interval * 1000:g} ms; latency = POST /runs -> terminal GET")

    run = start_run(["postgres", "redis", "llm"], OWNER)
    results: list[Result] = []
    try:
        endpoints = endpoints_for(run, None, None)
        script_plan(endpoints.llm_emulator_url, arguments.steps)
        with tempfile.TemporaryDirectory(prefix="orchestrator-bench-") as logs:
            for workers in worker_counts:
                print(f"  {workers} agent(s) ...", flush=True)
                try:
                    results.append(measure(endpoints, workers, arguments, logs))
                except Exception:
                    log = Path(logs, f"system-{workers}.log")
                    if log.exists():
                        print("  last lines of the system's log:\n" + "\n".join(log.read_text().splitlines()[-15:]))
                    raise
    finally:
        stop_run(run)
    report(results)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: the processes started here have been stopped", file=sys.stderr)
        sys.exit(130)
