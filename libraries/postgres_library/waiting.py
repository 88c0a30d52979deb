"""Bounded waiting on the library's deadlines, through the shared polling helper."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator

from libraries.common import WaitTimeout, wait_until

POLL_INTERVAL = 0.005


def backoff_delays(*, first: float = 0.05, cap: float = 1.0) -> Iterator[float]:
    """Jittered delays between retries: ``first``, twice that, four times ... up to ``cap``, for ever."""
    delay = first
    while True:
        yield delay * random.uniform(0.5, 1.0)
        delay = min(cap, delay * 2)


def left_until(deadline: float) -> float:
    """Seconds from now to ``deadline`` (monotonic), never below zero."""
    return max(0.0, deadline - time.monotonic())


def wait_by(deadline: float, condition: Callable[[], bool], message: Callable[[], str], error: type[Exception]) -> None:
    """Polls ``condition`` every few milliseconds until it holds; at ``deadline`` raises ``error`` with ``message``
    (asked then) and how long it waited."""
    try:
        wait_until(condition, left_until(deadline), pause=POLL_INTERVAL, message=message)
    except WaitTimeout as timed_out:
        raise error(str(timed_out)) from None
