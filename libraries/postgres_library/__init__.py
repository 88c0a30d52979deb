"""PostgreSQL keyword library: ``Library    libraries.postgres_library.PostgresLibrary``."""

from .errors import (
    ConnectionLostError,
    DatabaseSetupError,
    PoolExhaustedError,
    PostgresLibraryError,
    WorkersFailedError,
)
from .library import PostgresLibrary

__all__ = [
    "ConnectionLostError",
    "DatabaseSetupError",
    "PoolExhaustedError",
    "PostgresLibrary",
    "PostgresLibraryError",
    "WorkersFailedError",
]
