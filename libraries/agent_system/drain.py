"""Between tests: the runs a test submitted and left going are drained, so the next test starts on an idle system.

`RunsOfTest` keeps the runs submitted since the test started (by `Submit Agent Run`, `Submit Agent Runs
Concurrently` and the ``agent runs`` load scenario); `DrainBetweenTests`, the library's listener, hands those still
going at the end of the test to `AgentSystemAdapter.drain` and logs what became of them.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta
from typing import Any, Protocol

from robot.api import logger

from libraries.common import WaitTimeout, duration, wait_until

from . import deadlines
from .contract import TERMINAL, AgentSystemAdapter, Capability, NotSupported

SHOWN_IDS = 10


class RunsOfTest:
    """The runs submitted since the current test started, each with the adapter that took it (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: list[tuple[AgentSystemAdapter, str]] = []

    def add(self, adapter: AgentSystemAdapter, run_id: str) -> None:
        with self._lock:
            self._runs.append((adapter, run_id))

    def take(self, adapter: AgentSystemAdapter | None) -> list[str]:
        """The ids ``adapter`` took, and forgets every run: those of a system stopped since are gone with it."""
        with self._lock:
            runs, self._runs = self._runs, []
        return [run_id for taker, run_id in runs if taker is adapter]


class DrainedLibrary(Protocol):
    adapter: AgentSystemAdapter | None
    runs_of_test: RunsOfTest


class DrainBetweenTests:
    """The library listener: at the end of every test, the runs it left going are drained (never fails a test)."""

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self, library: DrainedLibrary) -> None:
        self.library = library

    def start_test(self, data: Any, result: Any) -> None:
        self.library.runs_of_test.take(None)  # runs of the suite setup belong to the suite

    def end_test(self, data: Any, result: Any) -> None:
        adapter = self.library.adapter
        run_ids = self.library.runs_of_test.take(adapter)
        if adapter is None or not run_ids:
            return
        try:
            drain(adapter, run_ids, test_passed=result.passed)
        except Exception as error:  # the next test may then share the system: say so, never fail this one
            logger.warn(f"The runs of test '{data.name}' could not be drained: {error}")


def drain(adapter: AgentSystemAdapter, run_ids: list[str], *, test_passed: bool) -> list[str]:
    """Drains the unfinished ones of ``run_ids`` within `deadlines.DRAIN` (scaled) and logs what became of them.

    Runs that end within the bound: INFO. Runs cancelled after it: WARN when the test passed (it did not wait for
    what it started), else INFO. Runs that could not be stopped: WARN naming them. Returns those.
    """
    going = unfinished(adapter, run_ids)
    if not going:
        return []
    bound = deadlines.DRAIN * deadlines.scale(adapter)
    left = set(adapter.drain(going, bound.total_seconds()))
    ended = [run_id for run_id in going if run_id not in left]
    if ended:
        logger.info(
            f"{_runs(ended)} of this test still going at its end, ended within {duration(bound)}: {_ids(ended)}."
        )
    if not left:
        return []
    cancellable = Capability.CANCEL in adapter.capabilities
    stuck = _still_going(adapter, [run_id for run_id in going if run_id in left], bound) if cancellable else left
    cancelled = [run_id for run_id in going if run_id in left and run_id not in stuck]
    if cancelled:
        message = (
            f"{_runs(cancelled)} of this test still going {duration(bound)} after its end, cancelled: "
            f"{_ids(cancelled)}."
        )
        if test_passed:
            logger.warn(f"{message} A test should wait for the runs it submits, or cancel them.")
        else:
            logger.info(message)
    stuck_ids = [run_id for run_id in going if run_id in stuck]
    if stuck_ids:
        why = "they did not end after the cancel" if cancellable else f"{adapter.name} cannot cancel runs"
        logger.warn(
            f"{_runs(stuck_ids)} of this test could not be stopped ({why}): {_ids(stuck_ids)}. The next test "
            f"shares {adapter.name} with them."
        )
    return stuck_ids


def unfinished(adapter: AgentSystemAdapter, run_ids: list[str]) -> list[str]:
    """The ids of runs not yet ended: one listing of every status where the adapter has one, else a read each."""
    try:
        statuses = adapter.stored_statuses()
    except NotSupported:
        return [run_id for run_id in run_ids if not adapter.run(run_id).finished]
    return [run_id for run_id in run_ids if statuses.get(run_id) not in TERMINAL]


def _still_going(adapter: AgentSystemAdapter, run_ids: list[str], bound: timedelta) -> set[str]:
    going = set(run_ids)

    def all_ended() -> bool:
        going.intersection_update(unfinished(adapter, sorted(going)))
        return not going

    with contextlib.suppress(WaitTimeout):
        wait_until(all_ended, bound, message="cancelled runs still going")
    return going


def _runs(run_ids: list[str]) -> str:
    return f"{len(run_ids)} run{'s' if len(run_ids) != 1 else ''}"


def _ids(run_ids: list[str]) -> str:
    shown = ", ".join(run_ids[:SHOWN_IDS])
    return shown + (f" and {len(run_ids) - SHOWN_IDS} more" if len(run_ids) > SHOWN_IDS else "")
