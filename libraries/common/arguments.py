"""Renames that keep old suites working for one release: an argument or a keyword under its old name, with a warning."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from robot.api import deco, logger

T = TypeVar("T")


def renamed_argument(keyword: str, old_name: str, old_value: T | None, new_name: str, new_value: T) -> T:
    """The value of an argument that was renamed: ``new_value``, or ``old_value`` (with a warning) when given."""
    if old_value is None:
        return new_value
    logger.warn(f"{keyword}: the argument '{old_name}' is deprecated, use '{new_name}' instead.")
    return old_value


def renamed_keyword(old_name: str, new_name: str, new: Callable[..., Any]) -> Callable[..., Any]:
    """A keyword ``old_name`` that takes the arguments of ``new`` (the method of keyword ``new_name``) and calls it.

    Its documentation starts with ``*DEPRECATED*``, so libdoc marks it and Robot Framework warns each time it runs.
    Put it in the component class next to the new keyword::

        old_keyword_name = renamed_keyword("Old Keyword Name", "New Keyword Name", new_keyword_name)
    """

    @functools.wraps(new)
    def old(*args: Any, **kwargs: Any) -> Any:
        return new(*args, **kwargs)

    old.__doc__ = f"*DEPRECATED* Use `{new_name}` instead: this name is removed in the next release.\n\n" + (
        f"Takes the same arguments as `{new_name}`."
    )
    return deco.keyword(old_name)(old)
