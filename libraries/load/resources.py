"""What the system under test holds while a load runs: memory per process, PostgreSQL and Redis connections.

`ResourceSampler` takes a sample when it starts, one every ``interval_s`` from a background thread (waiting on a
``threading.Event``, so `stop` ends it at once) and one when it stops. A sample holds:

- per process of the adapter's registry (`processes()`): RSS and PSS from ``psutil``'s ``memory_full_info``. The
  system's memory is the sum of the PSS: forked agents share pages with their warm parent, and PSS counts a shared
  page once, split between the processes sharing it, where a sum of RSS would count it in each;
- the system's PostgreSQL backends by state (``pg_stat_activity`` rows with the system's ``application_name``),
  against the server's ``max_connections`` and the pool limit the adapter reports;
- Redis ``connected_clients`` and ``used_memory`` (the whole server: Redis cannot tell clients apart by system).
"""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil
import psycopg
import redis

MIB = 1024 * 1024
DEFAULT_INTERVAL_S = 0.25
CONNECT_TIMEOUT_S = 5
SMOOTHING = 3
"""Samples averaged (median) at the start, middle and end of a series, so one noisy sample moves nothing."""
BACKENDS_SQL = """
SELECT coalesce(state, 'unknown') AS state, count(*) AS backends
FROM pg_stat_activity WHERE application_name = %s GROUP BY 1
"""


@dataclass(frozen=True)
class ProcessMemory:
    role: str
    name: str
    pid: int
    rss_mib: float
    pss_mib: float


@dataclass(frozen=True)
class ResourceSample:
    at_s: float
    """Seconds since the sampler started."""
    processes: tuple[ProcessMemory, ...] = ()
    backends: dict[str, int] = field(default_factory=dict)
    """The system's PostgreSQL backends by state (``active``, ``idle``, ``idle in transaction`` ...)."""
    redis_clients: int | None = None
    redis_memory_mib: float | None = None

    @property
    def pss_mib(self) -> float:
        """The system's memory: the sum of its processes' PSS."""
        return sum(process.pss_mib for process in self.processes)

    @property
    def largest_rss_mib(self) -> float:
        return max((process.rss_mib for process in self.processes), default=0.0)

    @property
    def connections(self) -> int:
        return sum(self.backends.values())


@dataclass(frozen=True)
class Growth:
    total_mib: float
    first_half_mib: float
    second_half_mib: float


@dataclass
class ResourceSeries:
    """The samples of one load run, with the limits the system's connections were measured against."""

    samples: list[ResourceSample]
    pool_limit: int | None = None
    max_connections: int | None = None
    interval_s: float = DEFAULT_INTERVAL_S
    sampling_cpu_s: float = 0.0
    """CPU time (user + system) the samples cost the sampling process: the sampler's own price."""

    @property
    def peak_pss_mib(self) -> float:
        return max((sample.pss_mib for sample in self.samples), default=0.0)

    @property
    def peak_rss_mib(self) -> float:
        """The largest RSS of any one process of the system."""
        return max((sample.largest_rss_mib for sample in self.samples), default=0.0)

    @property
    def peak_connections(self) -> int:
        return max((sample.connections for sample in self.samples), default=0)

    def growth(self) -> Growth:
        """How the system's memory (PSS) grew over the series and over each half of it (by sample count)."""
        values = [sample.pss_mib for sample in self.samples]
        if len(values) < 2:
            return Growth(0.0, 0.0, 0.0)
        middle = len(values) // 2
        start = statistics.median(values[:SMOOTHING])
        centre = statistics.median(values[max(middle - SMOOTHING // 2, 0) : middle + SMOOTHING // 2 + 1])
        end = statistics.median(values[-SMOOTHING:])
        return Growth(end - start, centre - start, end - centre)

    def peak_by_process(self) -> dict[str, tuple[float, float]]:
        """Each process's peak (RSS, PSS) in MiB over the load, by ``<role> <name> (pid)``, largest RSS first."""
        peaks: dict[str, tuple[float, float]] = {}
        for sample in self.samples:
            for process in sample.processes:
                label = f"{process.role} {process.name} ({process.pid})"
                rss, pss = peaks.get(label, (0.0, 0.0))
                peaks[label] = (max(rss, process.rss_mib), max(pss, process.pss_mib))
        return dict(sorted(peaks.items(), key=lambda item: -item[1][0]))

    def figures(self) -> dict[str, Any]:
        """The figures of a summary row: peaks, growth and the connection limits."""
        growth = self.growth()
        return {
            "peak_pss_mib": round(self.peak_pss_mib, 1),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "peak_rss_mib_by_process": ", ".join(
                f"{label} {rss:.1f}" for label, (rss, _) in self.peak_by_process().items()
            ),
            "memory_growth_mib": round(growth.total_mib, 1),
            "peak_connections": self.peak_connections,
            **({"pool_limit": self.pool_limit} if self.pool_limit is not None else {}),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **self.figures(),
            "max_connections": self.max_connections,
            "interval_s": self.interval_s,
            "samples": [
                {
                    "at_s": round(sample.at_s, 3),
                    "pss_mib": round(sample.pss_mib, 2),
                    "largest_rss_mib": round(sample.largest_rss_mib, 2),
                    "backends": sample.backends,
                    "redis_clients": sample.redis_clients,
                    "redis_memory_mib": sample.redis_memory_mib,
                }
                for sample in self.samples
            ],
        }


class ResourceSampler:
    """Samples a running system in a background thread between `start` and `stop`."""

    def __init__(
        self,
        processes: Callable[[], list[Any]],
        *,
        database_url: str | None = None,
        application_name: str | None = None,
        pool_limit: int | None = None,
        redis_url: str | None = None,
        interval_s: float = DEFAULT_INTERVAL_S,
    ) -> None:
        """``processes`` returns the system's processes (objects with ``role``, ``name`` and ``pid``);
        ``database_url`` and ``application_name`` say where and which PostgreSQL backends to count."""
        self._processes = processes
        self._database_url = database_url if application_name else None
        self._application_name = application_name
        self._redis_url = redis_url
        self.series = ResourceSeries([], pool_limit=pool_limit, interval_s=interval_s)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._database: psycopg.Connection | None = None
        self._redis: redis.Redis | None = None
        self._psutil: dict[int, psutil.Process] = {}
        self._started = 0.0
        self._lock = threading.Lock()

    def start(self) -> ResourceSampler:
        self._started = time.monotonic()
        if self._database_url:
            self._database = psycopg.connect(
                self._database_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="kit-sampler"
            )
            self.series.max_connections = int(self._database.execute("SHOW max_connections").fetchone()[0])
        if self._redis_url:
            self._redis = redis.Redis.from_url(
                self._redis_url, socket_timeout=CONNECT_TIMEOUT_S, socket_connect_timeout=CONNECT_TIMEOUT_S
            )
        self.sample()
        self._thread = threading.Thread(target=self._loop, name="resource-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> ResourceSeries:
        """Ends the thread, takes a last sample and closes the sampler's connections."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
        try:
            self.sample()
        finally:
            for connection in (self._database, self._redis):
                if connection is not None:
                    with contextlib.suppress(Exception):
                        connection.close()
        return self.series

    def _loop(self) -> None:
        while not self._stopping.wait(self.series.interval_s):
            self.sample()

    def sample(self) -> ResourceSample:
        with self._lock:
            began = time.thread_time()
            sample = ResourceSample(
                at_s=time.monotonic() - self._started,
                processes=tuple(self._memory()),
                backends=self._backends(),
                **self._redis_figures(),
            )
            self.series.samples.append(sample)
            self.series.sampling_cpu_s += time.thread_time() - began
            return sample

    def _memory(self) -> list[ProcessMemory]:
        found = []
        for process in self._processes():
            handle = self._psutil.get(process.pid)
            try:
                if handle is None:
                    handle = self._psutil[process.pid] = psutil.Process(process.pid)
                info = handle.memory_full_info()
            except (psutil.NoSuchProcess, psutil.ZombieProcess):
                continue  # ended between the registry and the read
            found.append(ProcessMemory(process.role, process.name, process.pid, info.rss / MIB, info.pss / MIB))
        return found

    def _backends(self) -> dict[str, int]:
        if self._database is None:
            return {}
        rows = self._database.execute(BACKENDS_SQL, (self._application_name,)).fetchall()
        return {state: count for state, count in rows}

    def _redis_figures(self) -> dict[str, Any]:
        if self._redis is None:
            return {}
        info = self._redis.info()
        return {
            "redis_clients": int(info["connected_clients"]),
            "redis_memory_mib": round(int(info["used_memory"]) / MIB, 2),
        }


def sampler_for(adapter: Any, interval_s: float = DEFAULT_INTERVAL_S) -> ResourceSampler | None:
    """A sampler of the system an adapter runs, or None when the adapter does not list its processes.

    It reaches PostgreSQL and Redis as the kit's checks do (``check_…_url`` past any fault proxy); without a
    `connection_scope` it samples memory and Redis only.
    """
    from libraries.agent_system.contract import NotSupported

    try:
        adapter.processes()
    except NotSupported:
        return None
    try:
        scope = adapter.connection_scope()
    except NotSupported:
        scope = None
    config = getattr(adapter, "config", None)
    database_url = getattr(config, "check_database_url", None) or getattr(config, "database_url", None)
    redis_url = getattr(config, "check_redis_url", None) or getattr(config, "redis_url", None)
    return ResourceSampler(
        adapter.processes,
        database_url=database_url if scope is not None else None,
        application_name=scope.application_name if scope is not None else None,
        pool_limit=scope.pool_limit if scope is not None else None,
        redis_url=redis_url,
        interval_s=interval_s,
    )
