"""The load driver's own overhead: Redis SET/GET pairs through the load keywords' driver vs raw redis-py threads.

    .venv/bin/python benchmarks/load_driver.py [--operations 20000] [--concurrency 8]

Uses REDIS_URL when set, otherwise a throwaway redis-server of its own. Both sides run the same operation (SET a
key, GET it back, compare) with ``--concurrency`` threads sharing one redis-py connection pool. The raw side only
takes the next number from a shared counter and runs the operation; the driver adds its claim/deadline check,
per-thread HdrHistogram recording, error accounting and the final merge. Rounds alternate between the sides to
share the machine's noise; the median round is reported, with the ratio raw/driver of operations per second.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import threading
import time

import redis

from libraries.load.driver import drive
from libraries.load.scenarios import RedisSetGet
from libraries.redis_library.testing import PrivateRedis
from libraries.services import runtime

ROUNDS = 5
PREFIX = "rfq:benchmark:load_driver:"


def raw_rate(client: redis.Redis, operations: int, concurrency: int) -> float:
    counter = itertools.count()
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                index = next(counter)
            if index >= operations:
                return
            key, value = f"{PREFIX}load:{index}", f"value-{index}"
            client.set(key, value, ex=600)
            if client.get(key) != value:
                raise AssertionError(key)

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return operations / (time.perf_counter() - started)


def driver_rate(client: redis.Redis, operations: int, concurrency: int) -> tuple[float, float]:
    outcome = drive(
        RedisSetGet(client, PREFIX, timeout_s=5), concurrency=concurrency, operations=operations, time_bound_s=600
    )
    if outcome.errors or outcome.count != operations:
        raise AssertionError(f"driver: {outcome.count} operations, {outcome.errors} errors {outcome.error_samples}")
    return outcome.count / outcome.elapsed_s, outcome.histogram.get_value_at_percentile(95) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    server = None if os.environ.get("REDIS_URL") else PrivateRedis()
    url = os.environ.get("REDIS_URL") or server.url
    client = redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5, max_connections=arguments.concurrency
    )
    try:
        per_round = arguments.operations // ROUNDS
        print(
            f"Redis at {runtime.mask_url(url)}: {per_round} SET/GET pairs per round and side, "
            f"{arguments.concurrency} threads, median of {ROUNDS} rounds"
        )
        raw_rounds, driver_rounds, p95s = [], [], []
        for _ in range(ROUNDS):
            raw_rounds.append(raw_rate(client, per_round, arguments.concurrency))
            rate, p95 = driver_rate(client, per_round, arguments.concurrency)
            driver_rounds.append(rate)
            p95s.append(p95)
        raw, driver = statistics.median(raw_rounds), statistics.median(driver_rounds)
        print(f"raw redis-py threads   {raw:9.0f} operations/s")
        print(f"load driver            {driver:9.0f} operations/s   (p95 {statistics.median(p95s):.2f} ms)")
        overhead_us = 1e6 / driver - 1e6 / raw
        print(f"ratio raw/driver       {raw / driver:9.2f}x   (overhead {overhead_us:.1f} us per operation)")
        keys = list(client.scan_iter(match=f"{PREFIX}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.unlink(*keys[start : start + 1000])
    finally:
        client.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
