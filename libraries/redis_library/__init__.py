"""Redis keyword library: ``Library    libraries.redis_library.RedisLibrary``."""

from .library import RedisLibrary

__all__ = ["RedisLibrary"]
