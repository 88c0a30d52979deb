"""The shared core of the keyword libraries.

- `LibraryComponent`: the one component base; a library class hands its components to DynamicCore.
- `poll`, `wait_until`, `with_assertion_polling`, `WaitTimeout`: the one way to wait (``timeout``, ``retry_timeout``).
- `TIMEOUT_DOC`, `RETRY_TIMEOUT_DOC`: how keywords document those two arguments.
- `seconds`, `duration`: durations in and out; `setting`: a Robot variable or environment variable.
- `renamed_argument`, `renamed_keyword`: old names that keep working for one release, with a warning.
- `ConnectionStore`: the store of aliased connections; ``libraries.common.facts``: the run summary's hook.

The waiting and duration parts import only the standard library (the services supervisor uses them); the parts
that need Robot Framework are imported when first asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, TypeVar

from .component import LibraryComponent, PollingLibrary
from .durations import duration, seconds
from .polling import DEFAULT_PAUSE, WaitTimeout, poll, wait_until, with_assertion_polling
from .vocabulary import RETRY_TIMEOUT_DOC, TIMEOUT_DOC

if TYPE_CHECKING:
    from .arguments import renamed_argument, renamed_keyword
    from .connections import ConnectionStore
    from .settings import setting

T = TypeVar("T")
C = TypeVar("C")

_FORMERLY_IMPORTED: dict[str, tuple[str, str | None]] = {
    "logger": ("robot.api.logger", None),
    "Secret": ("robot.api.types", "Secret"),
    "BuiltIn": ("robot.libraries.BuiltIn", "BuiltIn"),
    "RobotNotRunningError": ("robot.libraries.BuiltIn", "RobotNotRunningError"),
    "ConnectionCache": ("robot.utils", "ConnectionCache"),
    "NoConnection": ("robot.utils.connectioncache", "NoConnection"),
    "secs_to_timestr": ("robot.utils", "secs_to_timestr"),
    "timestr_to_secs": ("robot.utils", "timestr_to_secs"),
}
"""Robot Framework names the former single module ``libraries/common.py`` imported, still reachable from here."""

__all__ = [
    "DEFAULT_PAUSE",
    "RETRY_TIMEOUT_DOC",
    "TIMEOUT_DOC",
    "ConnectionStore",
    "LibraryComponent",
    "PollingLibrary",
    "WaitTimeout",
    "duration",
    "poll",
    "renamed_argument",
    "renamed_keyword",
    "seconds",
    "setting",
    "wait_until",
    "with_assertion_polling",
]


def __getattr__(name: str) -> Any:
    """The parts that import Robot Framework, on first use."""
    if name == "ConnectionStore":
        from .connections import ConnectionStore

        return ConnectionStore
    if name in ("renamed_argument", "renamed_keyword"):
        from . import arguments

        return getattr(arguments, name)
    if name == "setting":
        from .settings import setting

        return setting
    if name in _FORMERLY_IMPORTED:
        module, attribute = _FORMERLY_IMPORTED[name]
        imported = importlib.import_module(module)
        return imported if attribute is None else getattr(imported, attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
