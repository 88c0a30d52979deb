"""Cold against warm start of a reference orchestrator agent, side by side in one run.

    .venv/bin/python benchmarks/agent_start.py [--repeat 5]

Starts the embedded PostgreSQL, Redis and llmock once, and ``python -m orchestrator system --workers 0`` in a fresh
namespace through `ReferenceAdapter`. Then, ``--repeat`` times each, alternating:

- cold: a fresh ``python -m orchestrator agent`` (Python start-up, imports, preflight, connections);
- warm: ``ReferenceAdapter.start_worker()``, an agent forked by the system's warm parent (connections only).

Before each start one run is submitted, which no agent has taken yet. The start is timed from the request to two
moments: the agent is registered (its heartbeat key, written once its pool is open, right before its first read)
and the agent is consuming (the run has left ``pending``: the agent read the ``plan`` message, called the model
through its SDK and committed the plan; a cold agent imports the SDK meanwhile). Each agent is stopped with SIGTERM
before the next start. Handling that one message takes time a started agent spends as well, so the same message is
also timed on an agent that is already running, and the start cost is consuming minus that. Prints the medians,
every sample, and warm / cold of each (the target is 0.1 or less).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis

from libraries.agent_system.contract import SystemConfig
from libraries.agent_system.reference import ReferenceAdapter
from libraries.services.lifecycle import endpoints_for, start_run, stop_run
from libraries.services.namespaces import NamespaceStore, namespace_for
from libraries.services.processes import ProcessId
from orchestrator.keys import STATUS_FIELD, Keys

OWNER = ProcessId.of(os.getpid())
CONSUMING_TIMEOUT_S = 60.0
SCOPE = uuid.uuid4().hex[:12]


def until_consuming(client: redis.Redis, keys: Keys, name: str, run_id: str, started: float, process) -> tuple:
    """Seconds from `started` until `name` wrote its heartbeat, and until the run `run_id` has left pending."""
    registered = None
    deadline = time.monotonic() + CONSUMING_TIMEOUT_S
    while True:
        if registered is None and client.exists(keys.heartbeat(name)):
            registered = time.perf_counter() - started
        status = client.hget(keys.run_status(run_id), STATUS_FIELD)
        if status not in (None, b"pending"):
            return registered or time.perf_counter() - started, time.perf_counter() - started
        if process.poll() is not None:
            raise RuntimeError(f"agent {name} ended with exit code {process.returncode} before consuming")
        if time.monotonic() > deadline:
            raise RuntimeError(f"agent {name} was not consuming within {CONSUMING_TIMEOUT_S:g} s")
        time.sleep(0.001)


def cold_start(adapter: ReferenceAdapter, client: redis.Redis, keys: Keys, log) -> tuple:
    name = f"agent-cold-{uuid.uuid4().hex[:8]}"
    run_id = submit(adapter)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestrator", "agent", "--name", name, "--die-with-parent"],
        env=adapter._environment(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        return until_consuming(client, keys, name, run_id, started, process)
    finally:
        process.terminate()
        process.wait(timeout=15)


def warm_start(adapter: ReferenceAdapter, client: redis.Redis, keys: Keys) -> tuple:
    run_id = submit(adapter)
    started = time.perf_counter()
    name = adapter.start_worker()
    worker = adapter.worker_processes()[-1]
    try:
        return until_consuming(client, keys, name, run_id, started, worker)
    finally:
        worker.terminate()
        worker.wait(timeout=15)


def already_running(adapter: ReferenceAdapter, client: redis.Redis, keys: Keys, repeat: int) -> list[float]:
    """Seconds an agent that is already consuming takes from a run's submission until it has left pending."""
    name = adapter.start_worker()
    worker = adapter.worker_processes()[-1]
    try:
        until_consuming(client, keys, name, submit(adapter), time.perf_counter(), worker)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            samples.append(until_consuming(client, keys, name, submit(adapter), started, worker)[1])
        return samples
    finally:
        worker.terminate()
        worker.wait(timeout=15)


def submit(adapter: ReferenceAdapter) -> str:
    """A run the next agent to start will plan (the emulator's default answer is not a plan: it fails, promptly)."""
    return adapter.submit("Time the start of an agent", provider="openai", model=f"gpt-4o-mini@{SCOPE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="starts of each kind")
    arguments = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    run = start_run(["postgres", "redis", "llm"], OWNER)
    cold: list[float] = []
    warm: list[float] = []
    try:
        endpoints = endpoints_for(run, None, None)
        namespace = namespace_for(endpoints.run_id, "agent_start", os.getpid())
        store = NamespaceStore(endpoints.database_url, endpoints.redis_url)
        store.create(namespace, OWNER)
        adapter = ReferenceAdapter()
        with tempfile.TemporaryDirectory(prefix="agent-start-") as logs:
            config = SystemConfig(
                database_url=endpoints.database_url,
                schema=namespace.schema,
                redis_url=endpoints.redis_url,
                key_prefix=namespace.key_prefix,
                openai_base_url=f"{endpoints.llm_emulator_url}/v1",
                anthropic_base_url=f"{endpoints.llm_emulator_url}/anthropic",
                openai_api_key="emulator-key",
                anthropic_api_key="emulator-key",
                workers=0,
                log_file=str(Path(logs, "system.log")),
            )
            client = redis.Redis.from_url(endpoints.redis_url)
            keys = Keys(namespace.key_prefix)
            try:
                adapter.start(config)
                with open(Path(logs, "cold.log"), "ab") as log:
                    for _ in range(arguments.repeat):
                        cold.append(cold_start(adapter, client, keys, log))
                        warm.append(warm_start(adapter, client, keys))
                running = already_running(adapter, client, keys, arguments.repeat)
            finally:
                client.close()
                adapter.stop()
                with contextlib.suppress(Exception):
                    store.drop(namespace)
                store.close()
    finally:
        stop_run(run)
    report(cold, warm, running)


def report(cold: list[tuple], warm: list[tuple], running: list[float]) -> None:
    handling = statistics.median(running) * 1000
    print(f"\nan agent already running takes {handling:.1f} ms (median) from submission to the planned run")
    cold = [(r, c, c - handling / 1000) for r, c in cold]
    warm = [(r, c, c - handling / 1000) for r, c in warm]
    print(f"\n{'median ms':<45} {'registered':>10} {'consuming':>10} {'start cost':>10}")
    medians = {}
    for kind, label, samples in (
        ("cold", "python -m orchestrator agent", cold),
        ("warm", "forked by the system's warm parent", warm),
    ):
        medians[kind] = [statistics.median(sample[i] for sample in samples) * 1000 for i in (0, 1, 2)]
        print(f"  {kind:<5} {label:<37} " + " ".join(f"{m:>10.1f}" for m in medians[kind]))
    ratios = [medians["warm"][i] / medians["cold"][i] for i in (0, 1, 2)]
    print(f"  {'warm / cold':<43} " + " ".join(f"{r:>10.3f}" for r in ratios) + "   (target: 0.1 or less)")
    for kind, samples in (("cold", cold), ("warm", warm)):
        shown = ", ".join(f"{r * 1000:.0f}/{c * 1000:.0f}" for r, c, _ in samples)
        print(f"  {kind} samples ms (registered/consuming): {shown}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: the processes started here have been stopped", file=sys.stderr)
        sys.exit(130)
