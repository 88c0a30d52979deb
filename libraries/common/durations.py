"""Durations as the libraries read and write them.

Robot Framework's time functions are imported on first use of a time string or of `duration`: the services
supervisor process waits through `libraries.common` and must not load Robot Framework to start.
"""

from __future__ import annotations

from datetime import timedelta


def seconds(value: timedelta | float | str | None) -> float | None:
    """Seconds from a ``timedelta``, a number or a Robot time string (``500 ms``), for the Python API too."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float):
        return round(float(value), 3)  # as Robot Framework rounds numbers given as times
    from robot.utils import timestr_to_secs

    return timestr_to_secs(value)


def duration(value: timedelta | float | str | None, *, compact: bool = True) -> str:
    """A duration for logs and failure messages: ``500ms`` (``500 milliseconds`` with ``compact=False``).

    ``None`` is ``no limit``.
    """
    if value is None:
        return "no limit"
    from robot.utils import secs_to_timestr

    return secs_to_timestr(seconds(value), compact=compact)
