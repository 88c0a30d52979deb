"""The stack's own limit: runs/s of one run's work with no orchestration, against the orchestrator's runs/s.

    .venv/bin/python benchmarks/stack_limit.py [--runs 150] [--workers 1,2,4] [--steps 3]

Starts the embedded PostgreSQL, Redis and llmock once. The baseline is one process doing, run after run, the same
work as one run of the reference orchestrator: the same store functions and transactions (submit, plan, each step's
start and result, the aggregate, the outbox rows marked published), the same stream writes (XADD of each message,
its XACK + XDEL), the same writes of the run's cached copy, and the same model calls through the same SDK clients
(an unstreamed plan, one streamed call per step, an unstreamed aggregate). What it leaves out is the orchestration:
the HTTP API, reading the streams, claiming, heartbeats, several processes. Then `orchestrator_throughput.measure`
runs the system with 1, 2 and 4 agents under the same plan, and each runs/s is printed as a share of the baseline.
The machine is shared, so run it more than once before believing a ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from types import SimpleNamespace

from orchestrator_throughput import MODEL, OWNER, measure, report, script_plan

from libraries.services.lifecycle import endpoints_for, start_run, stop_run
from libraries.services.namespaces import NamespaceStore, namespace_for
from orchestrator import settings as settings_module
from orchestrator import store
from orchestrator.agents import AGGREGATOR_SYSTEM, PLAN_SCHEMA, PLANNER_SYSTEM, WORKER_SYSTEM
from orchestrator.keys import AGGREGATE_STREAM, STEP_STREAM
from orchestrator.llm import Models
from orchestrator.queues import Delivery, Queues
from orchestrator.states import RunStatus
from orchestrator.store import Store


def one_run(db: Store, queues: Queues, models: Models) -> None:
    """One run's commits, stream writes and model calls, in the order the system makes them."""
    with db.transaction() as tx:
        run, message = store.create_run(tx, "Summarise the plan", "openai", MODEL, 300.0)
        run_id = str(run["id"])
        cached = store.cache_run(tx, run_id)
    _published(db, queues, [message, cached])
    # planner
    _read_run(db, run_id)
    plan = _answer(db, run_id, "plan", lambda: models.structured("openai", MODEL, PLANNER_SYSTEM, "Goal", PLAN_SCHEMA))
    steps = json.loads(plan)["steps"]
    with db.transaction() as tx:
        store.transition(tx, run_id, RunStatus.RUNNING)
        store.add_steps(tx, run_id, steps)
        store.add_event(tx, run_id, "planned", f"{len(steps)} steps")
        messages = [store.enqueue(tx, STEP_STREAM, {"run_id": run_id, "step_no": n}) for n in range(1, len(steps) + 1)]
        cached = store.cache_run(tx, run_id)
    _published(db, queues, [*messages, cached], done=message)
    # workers
    for step_no, message in enumerate(messages, 1):
        with db.transaction() as tx:
            store.get_run(tx, run_id)
            store.get_step(tx, run_id, step_no)
            store.start_step(tx, run_id, step_no, "baseline")
        text = _answer(
            db, run_id, f"step:{step_no}", lambda: models.streamed_text("openai", MODEL, WORKER_SYSTEM, "Step")
        )
        follow_up = []
        with db.transaction() as tx:
            store.get_run(tx, run_id, lock=True)
            store.apply_step_result(tx, run_id, step_no, text, "baseline")
            if store.steps_not_succeeded(tx, run_id) == 0 and store.transition(tx, run_id, RunStatus.AGGREGATING):
                follow_up += [store.enqueue(tx, AGGREGATE_STREAM, {"run_id": run_id}), store.cache_run(tx, run_id)]
        _published(db, queues, follow_up, done=message)
    # aggregator
    _read_run(db, run_id)
    with db.transaction() as tx:
        store.get_steps(tx, run_id)
    text = _answer(db, run_id, "aggregate", lambda: models.text("openai", MODEL, AGGREGATOR_SYSTEM, "Results"))
    with db.transaction() as tx:
        store.transition(tx, run_id, RunStatus.SUCCEEDED, result=text)
        store.add_event(tx, run_id, RunStatus.SUCCEEDED.value)
        cached = store.cache_run(tx, run_id)
    _published(db, queues, [cached], done=follow_up[0])


def _read_run(db: Store, run_id: str) -> None:
    with db.transaction() as tx:
        store.get_run(tx, run_id)


def _answer(db: Store, run_id: str, purpose: str, call) -> str:
    with db.transaction() as tx:
        store.stored_answer(tx, run_id, purpose)
    answer = call()
    with db.transaction() as tx:
        store.record_call(tx, run_id, purpose, answer.call)
        return store.save_answer(tx, run_id, purpose, answer.text)


def _published(db: Store, queues: Queues, messages, done=None) -> None:
    """XADD of `messages` (a run's cached copy written, as the system does), outbox rows marked published, and
    `done` acknowledged (XACK + XDEL)."""
    queues.publish(messages)
    if messages:
        with db.transaction() as tx:
            store.mark_published(tx, [message.id for message in messages])
    if done is not None:
        queues.ack(Delivery(done.stream, _entry_of(queues, done), {}, 1))


def _entry_of(queues: Queues, message) -> str:
    """The stream entry of an outbox message (the system reads it with XREADGROUP; here it is looked up)."""
    key = queues.keys.stream(message.stream)
    for entry_id, fields in queues.redis.xrevrange(key, count=50):
        if fields.get("outbox") == str(message.id):
            return entry_id
    return "0-1"


def baseline(endpoints, runs: int) -> float:
    """Runs/s of `one_run` in one process, after a few warm-up runs."""
    namespace = namespace_for(endpoints.run_id, "stack_limit.baseline", os.getpid())
    namespaces = NamespaceStore(endpoints.database_url, endpoints.redis_url)
    namespaces.create(namespace, OWNER)
    environment = {
        "ORCH_DATABASE_URL": endpoints.database_url,
        "ORCH_SCHEMA": namespace.schema,
        "ORCH_REDIS_URL": endpoints.redis_url,
        "ORCH_KEY_PREFIX": namespace.key_prefix,
        "ORCH_OPENAI_BASE_URL": f"{endpoints.llm_emulator_url}/v1",
        "ORCH_OPENAI_API_KEY": "emulator-key",
    }
    settings = settings_module.load(environment)
    db, queues, models = Store(settings, check_on_checkout=False), Queues(settings), Models(settings)
    try:
        db.open()
        db.migrate()
        queues.ensure_groups()
        for _ in range(10):
            one_run(db, queues, models)
        started = time.perf_counter()
        for _ in range(runs):
            one_run(db, queues, models)
        return runs / (time.perf_counter() - started)
    finally:
        queues.close()
        db.close()
        namespaces.drop(namespace)
        namespaces.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=150, help="measured runs of the baseline and per configuration")
    parser.add_argument("--workers", default="1,2,4", help="agent process counts, comma-separated")
    parser.add_argument("--steps", type=int, default=3, help="steps in each run's plan (1 to 8)")
    parser.add_argument("--in-flight", type=int, default=16, help="runs the driver keeps submitted at once")
    arguments = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    options = SimpleNamespace(
        runs=arguments.runs, warmup=16, in_flight=arguments.in_flight, steps=arguments.steps, poll="db",
        interval=0.01, timeout=300.0,
    )  # fmt: skip
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    run = start_run(["postgres", "redis", "llm"], OWNER)
    try:
        endpoints = endpoints_for(run, None, None)
        script_plan(endpoints.llm_emulator_url, arguments.steps)
        limit = baseline(endpoints, arguments.runs)
        print(f"  stack limit (one run's work in one process, no orchestration): {limit:.2f} runs/s", flush=True)
        results = []
        with tempfile.TemporaryDirectory(prefix="stack-limit-") as logs:
            for workers in (int(n) for n in arguments.workers.split(",")):
                print(f"  {workers} agent(s) ...", flush=True)
                results.append(measure(endpoints, workers, options, logs))
    finally:
        stop_run(run)
    report(results)
    print(f"\n{'agents':>6} {'runs/s':>7} {'/ stack limit':>14}   (stack limit {limit:.2f} runs/s; target 0.6 with 1)")
    for result in results:
        print(f"{result.workers:>6} {result.per_second:>7.2f} {result.per_second / limit:>14.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: the processes started here have been stopped", file=sys.stderr)
        sys.exit(130)
