"""Waiting deadlines that scale with the system under test.

The kit's default deadlines for runs were set for the reference system. A slower system gets them multiplied by
its `AgentSystemAdapter.expected_run_seconds` over the reference's (never less than the reference's own); a
deadline a test author gives is kept as given.
"""

from __future__ import annotations

from datetime import timedelta

from .contract import AgentSystemAdapter
from .reference import ReferenceAdapter

RUN = timedelta(seconds=60)
"""`Wait Until Agent Run Finishes`, for the reference system."""
RUNS = timedelta(seconds=120)
"""`Wait Until Agent Runs Finish`."""
STEP_RUNNING = timedelta(seconds=30)
"""`Wait Until An Agent Step Is Running`."""
RUN_UNDER_LOAD = timedelta(seconds=40)
"""One operation of the ``agent runs`` load scenario."""
DRAIN = timedelta(seconds=3)
"""How long the runs a test left going get to end before they are cancelled (about ten runs at rest)."""


def scale(adapter: AgentSystemAdapter) -> float:
    """How many times slower than the reference the adapter's system runs: 1 at least."""
    return max(1.0, adapter.expected_run_seconds / ReferenceAdapter.expected_run_seconds)


def deadline(given: timedelta | None, default: timedelta, adapter: AgentSystemAdapter) -> timedelta:
    """``given`` when the test author gave one, else ``default`` scaled for ``adapter``'s system."""
    return given if given is not None else default * scale(adapter)
