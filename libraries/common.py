"""What the services, Redis, PostgreSQL and LLM libraries share: settings, durations and renamed arguments."""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from typing import TypeVar

from robot.api import logger
from robot.api.types import Secret
from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError
from robot.utils import secs_to_timestr, timestr_to_secs

T = TypeVar("T")


def setting(name: str) -> str | None:
    """``${NAME}`` given to Robot Framework (command line wins), else the environment variable NAME, else None.

    A ``Secret`` gives its value; "" counts as unset. Never log what this returns: it may be a key or password.
    """
    value = None
    with contextlib.suppress(RobotNotRunningError):
        value = BuiltIn().get_variable_value(f"${{{name}}}")
    if isinstance(value, Secret):
        value = value.value
    if value in (None, ""):
        value = os.environ.get(name)
    return str(value) if value not in (None, "") else None


def seconds(value: timedelta | float | str | None) -> float | None:
    """Seconds from a ``timedelta``, a number or a Robot time string (``500 ms``), for the Python API too."""
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else timestr_to_secs(value)


def duration(value: timedelta | float | str | None, *, compact: bool = True) -> str:
    """A duration for logs and failure messages: ``500ms`` (``500 milliseconds`` with ``compact=False``).

    ``None`` is ``no limit``.
    """
    return "no limit" if value is None else secs_to_timestr(seconds(value), compact=compact)


def renamed_argument(keyword: str, old_name: str, old_value: T | None, new_name: str, new_value: T) -> T:
    """The value of an argument that was renamed: ``new_value``, or ``old_value`` (with a warning) when given."""
    if old_value is None:
        return new_value
    logger.warn(f"{keyword}: the argument '{old_name}' is deprecated, use '{new_name}' instead.")
    return old_value
