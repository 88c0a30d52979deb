"""What the resource sampler costs a load: agent-run throughput and p95 with and without it, as ratios.

    .venv/bin/python benchmarks/sampler_cost.py [--runs 60] [--in-flight 4] [--rounds 3] [--interval 0.25]

Starts the embedded PostgreSQL, Redis and llmock, one reference orchestrator (2 agents) in a namespace of its own,
and runs the ``agent runs`` load scenario ``--rounds`` times without the sampler and as many times with it,
alternating (and swapping which goes first each round), so drift of a shared machine falls on both sides alike.
The sampler reads each process's ``memory_full_info`` (PSS), ``pg_stat_activity`` and Redis ``INFO`` every
``--interval`` seconds. Goal: throughput with the sampler at least 0.95x of without. The sampler's own CPU time
per sample is printed too: on a busy shared machine it is the steadier figure. Everything started here is stopped
at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import uuid
from pathlib import Path

from libraries.agent_system.contract import SystemConfig
from libraries.agent_system.reference import ReferenceAdapter
from libraries.load.driver import drive
from libraries.load.histogram import percentile_ms
from libraries.load.resources import sampler_for
from libraries.load.scenarios import AgentRuns
from libraries.services.lifecycle import endpoints_for, start_run, stop_run
from libraries.services.namespaces import NamespaceStore, namespace_for
from libraries.services.processes import ProcessId

OWNER = ProcessId.of(os.getpid())
MODEL = f"gpt-4o-mini@{uuid.uuid4().hex[:12]}"


def one_load(
    adapter: ReferenceAdapter, arguments: argparse.Namespace, sampled: bool
) -> tuple[float, float, int, float]:
    """Throughput (runs/s), p95 (ms), the number of samples and their CPU time (s) of one load."""
    scenario = AgentRuns(adapter, model=MODEL, provider="openai", goal="Load", timeout_s=30)
    sampler = sampler_for(adapter, arguments.interval) if sampled else None
    if sampler is not None:
        sampler.start()
    try:
        outcome = drive(scenario, concurrency=arguments.in_flight, operations=arguments.runs, time_bound_s=120)
    finally:
        series = sampler.stop() if sampler is not None else None
    if outcome.errors:
        raise RuntimeError(f"the load had {outcome.errors} errors: {outcome.error_samples[:1]}")
    throughput = outcome.histogram.get_total_count() / outcome.elapsed_s
    if series is None:
        return throughput, percentile_ms(outcome.histogram, 95), 0, 0.0
    return throughput, percentile_ms(outcome.histogram, 95), len(series.samples), series.sampling_cpu_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="agent runs per load")
    parser.add_argument("--in-flight", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="loads with and as many without the sampler")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between samples")
    arguments = parser.parse_args()
    run = start_run(["postgres", "redis", "llm"], OWNER)
    try:
        endpoints = endpoints_for(run, None, None)
        namespace = namespace_for(endpoints.run_id, "sampler_cost", os.getpid())
        store = NamespaceStore(endpoints.database_url, endpoints.redis_url)
        store.create(namespace, OWNER)
        adapter = ReferenceAdapter()
        with tempfile.TemporaryDirectory(prefix="sampler-cost-") as logs:
            adapter.start(
                SystemConfig(
                    database_url=endpoints.database_url,
                    schema=namespace.schema,
                    redis_url=endpoints.redis_url,
                    key_prefix=namespace.key_prefix,
                    openai_base_url=f"{endpoints.llm_emulator_url}/v1",
                    anthropic_base_url=f"{endpoints.llm_emulator_url}/anthropic",
                    openai_api_key="emulator-key",
                    anthropic_api_key="emulator-key",
                    workers=2,
                    log_file=str(Path(logs, "system.log")),
                )
            )
            try:
                one_load(adapter, arguments, sampled=False)  # warm-up: not counted
                figures: dict[bool, list[tuple[float, float, int, float]]] = {False: [], True: []}
                for round_number in range(arguments.rounds):
                    for sampled in (False, True) if round_number % 2 == 0 else (True, False):
                        figures[sampled].append(one_load(adapter, arguments, sampled))
            finally:
                adapter.stop()
                store.drop(namespace)
                store.close()
    finally:
        stop_run(run)
    report(figures, arguments)


def report(figures: dict[bool, list[tuple[float, float, int, float]]], arguments: argparse.Namespace) -> None:
    print(
        f"\n{arguments.runs} agent runs per load, {arguments.in_flight} in flight, "
        f"sampling every {arguments.interval} s"
    )
    print(f"{'sampler':>8} {'runs/s per load':>36} {'median':>8} {'p95 ms (median)':>16} {'samples':>8}")
    medians = {}
    for sampled, rows in figures.items():
        rates = [row[0] for row in rows]
        medians[sampled] = (statistics.median(rates), statistics.median(row[1] for row in rows))
        samples = statistics.median(row[2] for row in rows)
        listed = " ".join(f"{rate:.1f}" for rate in rates)
        print(
            f"{'on' if sampled else 'off':>8} {listed:>36} {medians[sampled][0]:>8.1f} {medians[sampled][1]:>16.0f} "
            f"{samples:>8.0f}"
        )
    ratio = medians[True][0] / medians[False][0]
    p95_ratio = medians[True][1] / medians[False][1]
    print(
        f"\nthroughput with / without the sampler: {ratio:.3f}x (goal >= 0.95x); p95 with / without: {p95_ratio:.3f}x"
    )
    samples = sum(row[2] for row in figures[True])
    cpu_ms = sum(row[3] for row in figures[True]) * 1000 / max(samples, 1)
    print(
        f"sampler CPU time: {cpu_ms:.1f} ms per sample, {cpu_ms / (arguments.interval * 1000):.1%} of one core at one "
        f"sample every {arguments.interval} s"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
