"""Failures of the load keywords that are not failed expectations (those are ``AssertionError`` subclasses)."""

from __future__ import annotations


class LoadError(RuntimeError):
    """Something went wrong around a load run: its setup, a baseline file, an SLA argument."""

    ROBOT_SUPPRESS_NAME = True


class LoadSetupError(LoadError):
    """A scenario cannot run: unknown name, or a library or system it needs is missing."""


class BaselineError(LoadError):
    """A baseline is missing, unreadable, or ``LOAD_BASELINE`` is wrong."""


class SLAError(LoadError):
    """An SLA threshold is unknown or its value is not valid."""
