"""The health library's own failures; failed expectations are plain ``AssertionError``."""

from __future__ import annotations


class HealthLibraryError(RuntimeError):
    """A keyword was called with something it cannot check (an unknown service or provider)."""

    ROBOT_SUPPRESS_NAME = True
