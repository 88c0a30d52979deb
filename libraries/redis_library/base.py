"""What every keyword component shares: the connection store, the defaults and polling for assertions."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from assertionengine import AssertionOperator
from robot.utils import timestr_to_secs

from libraries.common import seconds

from .connection import RedisConnection

if TYPE_CHECKING:
    from .library import RedisLibrary

T = TypeVar("T")
RETRY_PAUSE = 0.05


def seconds_or(value: timedelta | float | str | None, default: float | None) -> float | None:
    """``value`` in seconds, or ``default`` when it is not given."""
    return default if value is None else seconds(value)


def expected_seconds(expected: Any) -> Any:
    """``10 s``, ``500 ms`` or ``2`` as seconds, so durations compare the way a test writes them."""
    if expected is None or isinstance(expected, (int, float)):
        return expected
    return timestr_to_secs(expected)


def expectation(operator: AssertionOperator | None, expected: Any) -> str:
    return "" if operator is None else f" (expected {operator.value} {expected!r})"


class LibraryComponent:
    def __init__(self, library: RedisLibrary) -> None:
        self.library = library

    def connection(self, alias: str | None) -> RedisConnection:
        return self.library.connections.get_connection(alias)

    def retry_seconds(self, retry_timeout: timedelta | None) -> float:
        return seconds_or(retry_timeout, self.library.retry_timeout)

    def poll(self, attempt: Callable[[], T], retry_timeout: timedelta | None) -> T:
        """Run ``attempt`` until it stops failing an expectation or ``retry_timeout`` has passed."""
        deadline = time.monotonic() + self.retry_seconds(retry_timeout)
        while True:
            try:
                return attempt()
            except AssertionError:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(min(RETRY_PAUSE, max(deadline - time.monotonic(), 0)))
