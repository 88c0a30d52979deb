"""What the fault proxy costs with no toxic: round trips and bulk throughput through it vs. straight to the server.

    .venv/bin/python benchmarks/fault_proxy_overhead.py [--calls 2000] [--megabytes 4]

Uses DATABASE_URL / REDIS_URL when set, otherwise the embedded PostgreSQL and Redis of the run lifecycle; the
fault proxy runs as its own process (as in the suites), with one proxy per server. Both sides use the same client
settings; rounds alternate between direct and proxied to share the machine's noise, and the median round is
reported. Round trips: Redis PING and PostgreSQL ``SELECT 1``. Throughput: one large value (Redis GET, PostgreSQL
``SELECT repeat(...)``) read back over and over. A ratio is proxied / direct.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

import psycopg
import redis
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from fault_proxy.launcher import FaultProxyServer
from libraries.services.lifecycle import endpoints_for, start_run, stop_run
from libraries.services.processes import ProcessId
from libraries.services.settings import embedded_services_needed, setting

ROUNDS = 10
TIMEOUT = 10


def add_proxy(server: FaultProxyServer, name: str, upstream: str) -> tuple[str, int]:
    """Create a proxy on a free loopback port; returns (host, port) to connect to."""
    body = json.dumps({"name": name, "listen": "127.0.0.1:0", "upstream": upstream}).encode()
    request = urllib.request.Request(f"{server.url}/proxies", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        host, port = json.load(response)["listen"].rsplit(":", 1)
    return host, int(port)


def median_rounds(direct: Callable[[], object], proxied: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median seconds per call of each side, over alternating rounds of `repeats` calls."""
    samples: dict[str, list[float]] = {"direct": [], "proxied": []}
    for _ in range(ROUNDS):
        for side, action in (("direct", direct), ("proxied", proxied)):
            started = time.perf_counter()
            for _ in range(repeats):
                action()
            samples[side].append((time.perf_counter() - started) / repeats)
    return statistics.median(samples["direct"]), statistics.median(samples["proxied"])


def redis_rows(url: str, server: FaultProxyServer, calls: int, megabytes: int) -> list[tuple[str, str, float, float]]:
    parts = urlsplit(url)
    host, port = add_proxy(server, "redis", f"{parts.hostname}:{parts.port or 6379}")
    options = {"socket_timeout": TIMEOUT, "socket_connect_timeout": TIMEOUT}
    direct = redis.Redis.from_url(url, **options)
    proxied = redis.Redis(host=host, port=port, username=parts.username, password=parts.password, **options)
    key = f"rfq:benchmark:fault_proxy:{os.getpid()}"
    direct.set(key, b"x" * (megabytes << 20))
    try:
        ping = median_rounds(direct.ping, proxied.ping, calls // ROUNDS)
        bulk = median_rounds(lambda: direct.get(key), lambda: proxied.get(key), 5)
    finally:
        direct.delete(key)
        direct.close()
        proxied.close()
    return [("Redis PING", "us/call", *ping), (f"Redis GET {megabytes} MiB", "MB/s", *_throughput(bulk, megabytes))]


def postgres_rows(
    url: str, server: FaultProxyServer, calls: int, megabytes: int
) -> list[tuple[str, str, float, float]]:
    params = conninfo_to_dict(url)
    host, port = add_proxy(server, "postgres", f"{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}")
    proxied_url = make_conninfo(url, host=host, port=port)
    with (
        psycopg.connect(url, autocommit=True, connect_timeout=TIMEOUT) as direct,
        psycopg.connect(proxied_url, autocommit=True, connect_timeout=TIMEOUT) as proxied,
    ):
        select = median_rounds(
            lambda: direct.execute("SELECT 1").fetchone(),
            lambda: proxied.execute("SELECT 1").fetchone(),
            calls // ROUNDS,
        )
        query = f"SELECT repeat('x', {megabytes << 20})"
        bulk = median_rounds(lambda: direct.execute(query).fetchone(), lambda: proxied.execute(query).fetchone(), 5)
    return [
        ("PostgreSQL SELECT 1", "us/call", *select),
        (f"PostgreSQL {megabytes} MiB row", "MB/s", *_throughput(bulk, megabytes)),
    ]


def _throughput(seconds: tuple[float, float], megabytes: int) -> tuple[float, float]:
    return megabytes * 1.048576 / seconds[0], megabytes * 1.048576 / seconds[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--megabytes", type=int, default=4)
    args = parser.parse_args()
    run = start_run(embedded_services_needed(), ProcessId.of(os.getpid()))
    endpoints = endpoints_for(run, setting("DATABASE_URL"), setting("REDIS_URL"))
    try:
        with FaultProxyServer() as server:
            rows = redis_rows(endpoints.redis_url, server, args.calls, args.megabytes)
            rows += postgres_rows(endpoints.database_url, server, args.calls, args.megabytes)
    finally:
        stop_run(run)
    print(f"{args.calls} round trips per side, median of {ROUNDS} alternating rounds; ratio = via proxy / direct")
    print(f"{'':28} {'unit':>8} {'direct':>10} {'via proxy':>10} {'ratio':>7}")
    for name, unit, direct, proxied in rows:
        scale = 1e6 if unit == "us/call" else 1.0
        print(f"{name:28} {unit:>8} {direct * scale:10.1f} {proxied * scale:10.1f} {proxied / direct:6.2f}x")


if __name__ == "__main__":
    main()
