"""Redis keyword library: ``Library    libraries.redis_library.RedisLibrary``."""

from .errors import RedisCommandFailed, RedisExpectationFailed, RedisLibraryError, RedisUnavailable
from .library import RedisLibrary

__all__ = ["RedisCommandFailed", "RedisExpectationFailed", "RedisLibrary", "RedisLibraryError", "RedisUnavailable"]
