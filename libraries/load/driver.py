"""The closed-model driver: ``concurrency`` operations in flight, a fixed number of them, and a time bound.

Each of ``concurrency`` threads opens its own worker of the scenario (a connection, say), then takes the next
operation number until all ``operations`` are taken or the time bound has passed, and times each one. An operation
that raises counts as an error (by exception type, the first messages kept); only operations that succeed go into
the latency histogram. Operations already running when the time bound passes finish (each is bounded by the
scenario's own timeout); none is started after it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from hdrh.histogram import HdrHistogram

from .histogram import merge, new_histogram, record

ERROR_SAMPLES = 5
NOTHING = object()
JOIN_GRACE_S = 5.0


class Scenario(Protocol):
    """What the driver runs. ``worker()`` gives one thread its operation; ``finish()`` checks what is left."""

    name: str
    operation_timeout_s: float

    def prepare(self) -> None: ...

    def worker(self) -> AbstractContextManager[Callable[[int], None]]: ...

    def finish(self) -> dict[str, int]: ...

    def environment(self) -> dict[str, str]: ...


@dataclass
class Progress:
    done: int
    errors: int
    planned: int
    elapsed_s: float


@dataclass
class DriverOutcome:
    histogram: HdrHistogram
    count: int
    errors: int
    error_kinds: dict[str, int]
    error_samples: list[str]
    elapsed_s: float
    stopped_by_time_bound: bool
    stuck_workers: int = 0
    peak_in_flight: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class _Shared:
    def __init__(self, operations: int, deadline: float) -> None:
        self.lock = threading.Lock()
        self.next_index = 0
        self.operations = operations
        self.deadline = deadline
        self.done = 0
        self.errors = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.error_kinds: Counter[str] = Counter()
        self.error_samples: list[str] = []
        self.stopped_by_time_bound = False
        self.workers_left = 0
        self.all_workers_ended = threading.Event()

    def step(self, previous: BaseException | object | None) -> int | None:
        """Accounts for the thread's previous operation (``NOTHING`` before its first) and claims the next one,
        under one lock: the number to run, or None when all are taken or the time bound has passed."""
        with self.lock:
            if previous is not NOTHING:
                self.in_flight -= 1
                self.done += 1
                if previous is not None:
                    self.note_error(previous)
            if self.next_index >= self.operations:
                return None
            if time.monotonic() >= self.deadline:
                self.stopped_by_time_bound = True
                return None
            index, self.next_index = self.next_index, self.next_index + 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            return index

    def note_error(self, error: BaseException) -> None:
        self.errors += 1
        self.error_kinds[type(error).__name__] += 1
        if len(self.error_samples) < ERROR_SAMPLES:
            self.error_samples.append(f"{type(error).__name__}: {str(error)[:300]}")


def drive(
    scenario: Scenario,
    *,
    concurrency: int,
    operations: int,
    time_bound_s: float,
    progress: Callable[[Progress], None] | None = None,
    progress_every_s: float = 1.0,
) -> DriverOutcome:
    """Runs ``operations`` operations of ``scenario`` with ``concurrency`` in flight, within ``time_bound_s``."""
    if concurrency < 1 or operations < 1:
        raise ValueError(f"concurrency and operations must be at least 1 (got {concurrency} and {operations}).")
    if time_bound_s <= 0:
        raise ValueError(f"time_bound must be positive (got {time_bound_s:g} s).")
    scenario.prepare()
    started = time.monotonic()
    shared = _Shared(operations, started + time_bound_s)
    histograms: list[HdrHistogram] = []

    def work() -> None:
        histogram = new_histogram()
        with shared.lock:
            histograms.append(histogram)
        try:
            with scenario.worker() as operate:
                previous: BaseException | object | None = NOTHING
                while (index := shared.step(previous)) is not None:
                    began = time.perf_counter_ns()
                    try:
                        operate(index)
                    except Exception as error:
                        previous = error
                        continue
                    record(histogram, time.perf_counter_ns() - began)
                    previous = None
        except Exception as error:  # the worker could not be opened or closed: one error, its operations not run
            with shared.lock:
                shared.note_error(error)
        finally:
            with shared.lock:
                shared.workers_left -= 1
                if shared.workers_left == 0:
                    shared.all_workers_ended.set()

    threads = [
        threading.Thread(target=work, name=f"load-{scenario.name}-{number}", daemon=True)
        for number in range(min(concurrency, operations))
    ]
    shared.workers_left = len(threads)
    for thread in threads:
        thread.start()
    join_by = shared.deadline + scenario.operation_timeout_s + JOIN_GRACE_S
    while not shared.all_workers_ended.wait(min(progress_every_s, max(join_by - time.monotonic(), 0))):
        if time.monotonic() >= join_by:
            break
        if progress is not None:
            progress(Progress(shared.done, shared.errors, operations, time.monotonic() - started))
    elapsed = time.monotonic() - started
    with shared.lock:
        outcome = DriverOutcome(
            histogram=merge(list(histograms)),
            count=shared.done,
            errors=shared.errors,
            error_kinds=dict(shared.error_kinds),
            error_samples=list(shared.error_samples),
            elapsed_s=elapsed,
            stopped_by_time_bound=shared.stopped_by_time_bound,
            stuck_workers=sum(thread.is_alive() for thread in threads),
            peak_in_flight=shared.peak_in_flight,
        )
    outcome.extra = scenario.finish()
    return outcome
