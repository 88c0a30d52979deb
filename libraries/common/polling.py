"""The one way the libraries wait: try something again, a pause apart, until it works or the time is up.

- `poll` calls an attempt until it stops raising (an ``AssertionError`` by default);
- `wait_until` calls a condition until it returns something true;
- `with_assertion_polling` makes a getter keyword retry its AssertionEngine assertion for ``retry_timeout``.

When the time is up the last failure is raised, its message followed by how long it waited. This module is
import-light (standard library only): the services supervisor waits through it too.
"""

from __future__ import annotations

import functools
import inspect
import math
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from itertools import repeat
from typing import Any, TypeVar

from .durations import duration, seconds

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_PAUSE = 0.05
"""Seconds between two tries, unless told otherwise."""

Timeout = timedelta | float | str | None
Pause = float | Iterable[float]
ASSERTION_ARGUMENTS = ("assertion_operator", "assertion_expected", "message")


class WaitTimeout(AssertionError):
    """A condition did not come true in time (`wait_until`). Robot Framework shows only the message."""

    ROBOT_SUPPRESS_NAME = True


class _Exhausted(Exception):
    """The time (or the tries) ran out: the last failure, how long it took and how many tries."""

    def __init__(self, failure: BaseException, waited: float, tries: int) -> None:
        super().__init__(str(failure))
        self.failure, self.waited, self.tries = failure, waited, tries


def poll(
    attempt: Callable[[], T],
    timeout: Timeout,
    *,
    pause: Pause = DEFAULT_PAUSE,
    retry_on: type[BaseException] | tuple[type[BaseException], ...] = AssertionError,
    attempts: int | None = None,
) -> T:
    """Calls ``attempt`` until it returns instead of raising ``retry_on``, and returns what it returned.

    ``timeout`` is a ``timedelta``, seconds or a Robot time string; ``None`` is no limit. ``pause`` is the seconds
    between two tries, or a sequence of them (a backoff; when it ends, so does the polling). ``attempts`` bounds
    the number of tries. The last try starts at the latest when ``timeout`` has passed. Then the last failure is
    raised again, its message followed by how long it waited: ``... (waited 2s 10ms)``; a failure of the only
    try is raised as it is. Exceptions other than ``retry_on`` end the polling at once.
    """
    try:
        return _retry(attempt, timeout, pause, retry_on, attempts)
    except _Exhausted as exhausted:
        failure = exhausted.failure
        if exhausted.tries > 1:
            failure = _with_time_waited(failure, exhausted.waited)
        raise failure from failure.__cause__


def wait_until(
    condition: Callable[[], T],
    timeout: Timeout,
    *,
    pause: Pause = DEFAULT_PAUSE,
    message: str | Callable[[], str] = "The condition did not come true",
) -> T:
    """Calls ``condition`` until it returns something true, and returns that.

    When ``timeout`` has passed it raises `WaitTimeout` with ``message`` (a callable is called once, then), the
    last value when it says more than false, and how long it waited. Other arguments as in `poll`.
    """

    def attempt() -> T:
        value = condition()
        if not value:
            raise _NotYet(value)
        return value

    try:
        return _retry(attempt, timeout, pause, _NotYet, None)
    except _Exhausted as exhausted:
        text = message() if callable(message) else message
        last = exhausted.failure.args[0]
        seen = "" if last is None or isinstance(last, bool) else f"; last seen: {last!r}"
        raise WaitTimeout(f"{text}{seen} (waited {duration(exhausted.waited)})") from None


def with_assertion_polling(getter: F) -> F:
    """Makes a getter keyword poll: while it raises an ``AssertionError`` it is called again, ``retry_pause``
    seconds apart, until ``retry_timeout`` has passed; then its last failure is raised (see `poll`).

    The getter is a method of a library component (`libraries.common.LibraryComponent`) and takes
    ``retry_timeout``; when that is ``None`` the library's ``retry_timeout`` applies. A getter with an
    AssertionEngine assertion takes ``assertion_operator``, ``assertion_expected`` and ``message`` and ends
    with ``verify_assertion``, so a value that does not match yet is read again. It logs only once its
    assertion holds: failed tries leave nothing in the log.
    """
    signature = inspect.signature(getter)
    names = set(signature.parameters)
    if "retry_timeout" not in names:
        raise TypeError(f"{getter.__qualname__} polls, so it must take a 'retry_timeout' argument.")
    if "assertion_operator" in names and not names.issuperset(ASSERTION_ARGUMENTS):
        raise TypeError(f"{getter.__qualname__} asserts, so it must take {', '.join(ASSERTION_ARGUMENTS)}.")

    @functools.wraps(getter)
    def polling(component: Any, *args: Any, **kwargs: Any) -> Any:
        limit = signature.bind(component, *args, **kwargs).arguments.get("retry_timeout")
        if limit is None:
            limit = component.library.retry_timeout
        return poll(lambda: getter(component, *args, **kwargs), limit, pause=component.retry_pause)

    return polling  # type: ignore[return-value]


class _NotYet(Exception):
    """The condition of `wait_until` returned a false value (its only argument)."""


def _retry(
    attempt: Callable[[], T],
    timeout: Timeout,
    pause: Pause,
    retry_on: type[BaseException] | tuple[type[BaseException], ...],
    attempts: int | None,
) -> T:
    limit = seconds(timeout)
    limit = math.inf if limit is None else max(limit, 0.0)
    pauses: Iterator[float] = repeat(float(pause)) if isinstance(pause, int | float) else iter(pause)
    started = time.monotonic()
    tries = 0
    while True:
        tries += 1
        try:
            return attempt()
        except retry_on as failure:
            waited = time.monotonic() - started
            delay = next(pauses, None) if waited < limit and (attempts is None or tries < attempts) else None
            if delay is None:
                raise _Exhausted(failure, waited, tries) from None
        time.sleep(max(0.0, min(delay, limit - waited)))


def _with_time_waited(failure: BaseException, waited: float) -> BaseException:
    """The failure with ``(waited ...)`` after its message; same class, so callers still catch what they caught."""
    text = f"{failure} (waited {duration(waited)})"
    failure.args = (text,)
    if str(failure) == text:
        return failure
    timed_out = WaitTimeout(text)  # a class whose message does not come from its arguments
    timed_out.__cause__ = failure
    return timed_out
