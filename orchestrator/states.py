"""The statuses of runs and steps and the one table of moves between them.

The values are the words stored in PostgreSQL, cached in Redis and answered by the HTTP API. `store.transition()`
moves a run only along `RUN_TRANSITIONS`; the step updates of the store are guarded by `STEP_TRANSITIONS`.
This module imports nothing but the standard library: the kit's adapter imports it in Robot runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum


class _Status(str, Enum):
    """A status is its stored word: ``str(status)`` and f-strings give the value on every Python version."""

    def __str__(self) -> str:
        return self.value


class RunStatus(_Status):
    PENDING = "pending"
    RUNNING = "running"
    AGGREGATING = "aggregating"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class StepStatus(_Status):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


_ENDINGS = frozenset({RunStatus.FAILED, RunStatus.CANCELLED})

RUN_TRANSITIONS: Mapping[RunStatus, frozenset[RunStatus]] = {
    RunStatus.PENDING: frozenset({RunStatus.RUNNING, *_ENDINGS}),
    RunStatus.RUNNING: frozenset({RunStatus.AGGREGATING, *_ENDINGS}),
    RunStatus.AGGREGATING: frozenset({RunStatus.SUCCEEDED, *_ENDINGS}),
    RunStatus.SUCCEEDED: frozenset(),
    RunStatus.FAILED: frozenset(),
    RunStatus.CANCELLED: frozenset(),
}
"""Where a run may go from each status: planned, all steps done, answered; failed or cancelled while unfinished."""

_STEP_ENDINGS = frozenset({StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.CANCELLED})

STEP_TRANSITIONS: Mapping[StepStatus, frozenset[StepStatus]] = {
    StepStatus.PENDING: frozenset({StepStatus.RUNNING, *_STEP_ENDINGS}),
    StepStatus.RUNNING: frozenset({StepStatus.RUNNING, *_STEP_ENDINGS}),  # a redelivered step starts again
    StepStatus.SUCCEEDED: frozenset(),
    StepStatus.FAILED: frozenset(),
    StepStatus.CANCELLED: frozenset(),
}
"""Where a step may go from each status. A step is cancelled when its run ends before it does."""

TERMINAL_RUN_STATUSES = frozenset(status for status, moves in RUN_TRANSITIONS.items() if not moves)
TERMINAL_STEP_STATUSES = frozenset(status for status, moves in STEP_TRANSITIONS.items() if not moves)
OPEN_STEP_STATUSES = frozenset(StepStatus) - TERMINAL_STEP_STATUSES


class IllegalTransition(Exception):
    """A status change the transition table forbids, e.g. ``run 42 cannot go from pending to succeeded``."""

    def __init__(self, subject: str, current: Enum, target: Enum) -> None:
        self.subject, self.current, self.target = subject, current, target
        super().__init__(f"{subject} cannot go from {current.value} to {target.value}")


def sources(table: Mapping[Enum, frozenset[Enum]], target: Enum) -> frozenset:
    """The statuses a move to `target` may start from."""
    return frozenset(status for status, moves in table.items() if target in moves)


def moved_on(table: Mapping[Enum, frozenset[Enum]], current: Enum, target: Enum) -> bool:
    """True when `current` was reached by leaving the statuses a move to `target` starts from: the move was made
    already, or the run went on or ended another way, since the caller looked. False when the move is still ahead
    of `current` (it would skip a status) or when nothing may move to `target` at all."""
    reached: set[Enum] = set()
    frontier = set(sources(table, target))
    while frontier:
        status = frontier.pop()
        for following in table[status]:
            if following not in reached:
                reached.add(following)
                frontier.add(following)
    return current in reached and current not in sources(table, target)
