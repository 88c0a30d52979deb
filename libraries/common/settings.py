"""One way to read a setting: the Robot Framework variable first, then the environment."""

from __future__ import annotations

import contextlib
import os

from robot.api.types import Secret
from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError


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
