"""Failures of PostgresLibrary: one clear line each, shown without the class name."""

from __future__ import annotations


class PostgresLibraryError(RuntimeError):
    ROBOT_SUPPRESS_NAME = True


class DatabaseSetupError(PostgresLibraryError):
    """The library cannot connect because something in the run's set-up is missing or wrong."""


class ConnectionLostError(PostgresLibraryError):
    """A lost connection could not be re-established within the allowed time."""


class PoolExhaustedError(PostgresLibraryError):
    """No pooled connection became free within the pool's acquire timeout."""


class WorkersFailedError(PostgresLibraryError):
    """Concurrent workers did not finish their job."""
