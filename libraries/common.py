"""What the services, Redis, PostgreSQL and LLM libraries share: settings, durations and renamed arguments."""

from __future__ import annotations

from typing import TypeVar

from robot.api import logger

T = TypeVar("T")


def renamed_argument(keyword: str, old_name: str, old_value: T | None, new_name: str, new_value: T) -> T:
    """The value of an argument that was renamed: ``new_value``, or ``old_value`` (with a warning) when given."""
    if old_value is None:
        return new_value
    logger.warn(f"{keyword}: the argument '{old_name}' is deprecated, use '{new_name}' instead.")
    return old_value
