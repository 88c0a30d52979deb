"""Per-call overhead of RedisLibrary keywords (through the library's Python API) over the same raw redis-py call.

    .venv/bin/python benchmarks/redis_overhead.py [--calls 3000]

Uses REDIS_URL when set, otherwise a throwaway redis-server of its own. Both sides talk to the same server over
one pooled connection with the same timeouts; the library side also adds the namespace prefix, the error
translation, the inline assertion and its INFO log line. Rounds alternate between the two sides to share the
machine's noise; the median round is reported. Goal: <= 50 us overhead per call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import redis
from assertionengine import AssertionOperator

from libraries.redis_library import RedisLibrary
from libraries.redis_library.testing import PrivateRedis
from libraries.services import runtime

ROUNDS = 10


def per_call_us(action: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - started) / calls * 1e6


def compare(name: str, raw: Callable[[], object], keyword: Callable[[], object], calls: int) -> None:
    raw_rounds, keyword_rounds = [], []
    for _ in range(ROUNDS):
        raw_rounds.append(per_call_us(raw, calls // ROUNDS))
        keyword_rounds.append(per_call_us(keyword, calls // ROUNDS))
    raw_us, keyword_us = statistics.median(raw_rounds), statistics.median(keyword_rounds)
    print(
        f"{name:<34} raw {raw_us:8.1f} us   keyword {keyword_us:8.1f} us   "
        f"overhead {keyword_us - raw_us:6.1f} us   ratio {keyword_us / raw_us:5.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    calls = parser.parse_args().calls
    server = None if os.environ.get("REDIS_URL") else PrivateRedis()
    url = os.environ.get("REDIS_URL") or server.url
    try:
        runtime.activate(runtime.Endpoints(database_url="", redis_url=url))
        runtime.push_namespace(runtime.Namespace(schema="", key_prefix="rfq:benchmark:redis_overhead:"))
        prefix = runtime.key_prefix()
        library = RedisLibrary(socket_timeout=5, socket_connect_timeout=5, max_retries=1)
        library.connect_to_redis()
        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)
        equal = AssertionOperator["=="]
        print(f"Redis at {runtime.mask_url(url)}, {calls} calls per side, median of {ROUNDS} rounds")
        set_raw, set_keyword = (
            lambda: client.set(f"{prefix}k", "running"),
            lambda: library.set_redis_value("k", "running"),
        )
        compare("Set Redis Value", set_raw, set_keyword, calls)
        compare("Get Redis Value", lambda: client.get(f"{prefix}k"), lambda: library.get_redis_value("k"), calls)
        compare(
            "Get Redis Value    ==    running",
            lambda: client.get(f"{prefix}k") == "running",
            lambda: library.get_redis_value("k", equal, "running"),
            calls,
        )
        incr_raw, incr_keyword = lambda: client.incrby(f"{prefix}n", 1), lambda: library.increment_redis_counter("n")
        compare("Increment Redis Counter", incr_raw, incr_keyword, calls)
        client.delete(f"{prefix}k", f"{prefix}n")
        client.close()
        library.disconnect_from_all_redis()
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
