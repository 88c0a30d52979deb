"""Worker sessions that meet at the worst possible moment, so concurrency effects show up on every run.

No timing luck and no sleeps: a worker that has read (or claimed) a row holds on until every other worker still in
the round has read too or is blocked on a lock that a holder owns; the server's ``pg_stat_activity`` tells us who is
blocked. Without a row lock, all workers read the same value; with ``FOR UPDATE`` they queue behind each other.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

import psycopg

from .connections import open_session
from .errors import WorkersFailedError
from .settings import SessionSettings
from .waiting import wait_by

_LOCK_WAITERS = "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s AND wait_event_type = 'Lock'"


class WorkerGroup:
    """Sessions named ``robot-<group>-<n>`` plus one monitor session that watches them in ``pg_stat_activity``."""

    def __init__(self, settings: SessionSettings, size: int, deadline: float) -> None:
        if size < 1:
            raise WorkersFailedError(f"At least one worker is needed, got {size}.")
        self.settings = settings
        self.size = size
        self.deadline = deadline
        self.prefix = f"robot-{secrets.token_hex(4)}-"
        self._monitor_lock = threading.Lock()
        self._monitor: psycopg.Connection | None = None

    def __enter__(self) -> WorkerGroup:
        self._monitor = open_session(self.settings, f"{self.prefix}monitor", autocommit=True)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._monitor is not None:
            self._monitor.close()

    def name(self, index: int) -> str:
        return f"{self.prefix}{index}"

    def session(self, index: int) -> psycopg.Connection:
        return open_session(self.settings, self.name(index), autocommit=True)

    def lock_waiters(self, pattern: str | None = None) -> int:
        with self._monitor_lock:
            return self._monitor.execute(_LOCK_WAITERS, (pattern or f"{self.prefix}%",)).fetchone()[0]

    def run(self, work: Callable[[int], None], on_failure: Callable[[], None]) -> None:
        """Run ``work(index)`` in every worker thread; one failure stops the group and is reported."""
        with ThreadPoolExecutor(max_workers=self.size, thread_name_prefix=self.prefix) as pool:
            futures = [pool.submit(work, index) for index in range(self.size)]
            wait(futures, timeout=max(0.0, self.deadline - time.monotonic()) + 5)
            errors = [future.exception() for future in futures if future.done() and future.exception()]
            if errors or not all(future.done() for future in futures):
                on_failure()
                wait(futures, timeout=10)
                reason = _describe(errors[0]) if errors else "they did not finish before the timeout"
                raise WorkersFailedError(f"{len(errors) or 'Some'} of {self.size} workers failed: {reason}")


class Contention:
    """Round bookkeeping: how many workers are still in the round and how many hold a row they read."""

    def __init__(self, group: WorkerGroup) -> None:
        self.group = group
        self._lock = threading.Lock()
        self.barrier = threading.Barrier(group.size, action=self._new_round, timeout=self._remaining())
        self.active = group.size
        self.holding = 0
        self.max_holding = 0

    def _remaining(self) -> float:
        return max(0.1, self.group.deadline - time.monotonic())

    def _new_round(self) -> None:
        self.active, self.holding = self.group.size, 0

    def start_round(self) -> None:
        self.barrier.wait(timeout=self._remaining())

    def hold(self) -> None:
        with self._lock:
            self.holding += 1
            self.max_holding = max(self.max_holding, self.holding)
        wait_by(
            self.group.deadline,
            self._everyone_arrived,
            lambda: (
                f"Workers did not all read or queue up before the timeout ({self.holding} holding, "
                f"{self.active} active)"
            ),
            WorkersFailedError,
        )

    def leave(self, *, held: bool) -> None:
        with self._lock:
            self.active -= 1
            self.holding -= 1 if held else 0

    def abort(self) -> None:
        self.barrier.abort()

    def _everyone_arrived(self) -> bool:
        with self._lock:
            holding, active = self.holding, self.active
        return holding >= active or holding + self.group.lock_waiters() >= active


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
