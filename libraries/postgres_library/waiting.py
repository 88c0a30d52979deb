"""Bounded waiting: exponential backoff between retries, and polling a condition until a deadline."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator

POLL_INTERVAL = 0.005


def backoff_delays(*, first: float = 0.05, cap: float = 1.0, deadline: float | None = None) -> Iterator[float]:
    """Yield jittered delays (first, 2x, 4x ... capped); stop once ``deadline`` (monotonic) would be passed."""
    delay = first
    while True:
        jittered = delay * random.uniform(0.5, 1.0)
        if deadline is not None and time.monotonic() + jittered >= deadline:
            return
        yield jittered
        delay = min(cap, delay * 2)


def pause(seconds: float) -> None:
    """Wait between two attempts of a retried operation (the backoff itself, not a wait for a condition)."""
    threading.Event().wait(seconds)


def poll_until(condition: Callable[[], bool], deadline: float, failure: Callable[[], Exception]) -> None:
    """Evaluate ``condition`` every few milliseconds until it holds; raise ``failure()`` at ``deadline``."""
    while not condition():
        if time.monotonic() >= deadline:
            raise failure()
        threading.Event().wait(POLL_INTERVAL)
