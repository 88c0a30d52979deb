"""Test support for the Redis suites: a private Redis server that can be made to stop answering.

It is not part of `RedisLibrary`: only the library's own suites need to freeze a server. The shared server of the
run is never touched.

    Library    libraries.redis_library.testing.StoppableRedis
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn
from robotlibcore import DynamicCore

from libraries.common import LibraryComponent, duration, seconds
from libraries.services.embedded import Server, start_redis
from libraries.services.processes import terminate

from .errors import RedisLibraryError


class PrivateRedis:
    """A real redis-server of our own on a free loopback port, which dies with its parent."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="redis-private-"))
        self.server: Server = start_redis(self.directory)

    @property
    def url(self) -> str:
        return self.server.url

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections, but nothing answers."""
        self.server.process.send_signal(signal.SIGSTOP)

    def stop(self) -> None:
        self.server.process.send_signal(signal.SIGCONT)
        terminate(self.server.process.pid)
        self.server.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


class StoppableRedis(DynamicCore):
    """A private Redis server for the library's own suites, and a check that a keyword fails in time."""

    ROBOT_LIBRARY_SCOPE = "SUITE"

    def __init__(self) -> None:
        DynamicCore.__init__(self, [PrivateRedisKeywords(self)])


class PrivateRedisKeywords(LibraryComponent[object]):
    def __init__(self, library: object) -> None:
        super().__init__(library)
        self._server: PrivateRedis | None = None

    @keyword("Start Private Redis")
    def start_private_redis(self) -> str:
        """Starts a redis-server only this suite uses; returns its URL."""
        self.stop_private_redis()
        self._server = PrivateRedis()
        logger.info(f"Private Redis at {self._server.url}")
        return self._server.url

    @keyword("Make Private Redis Stop Answering")
    def make_private_redis_stop_answering(self) -> None:
        """Freezes the private server (SIGSTOP): connections stay open, commands get no answer."""
        if self._server is None:
            raise RedisLibraryError("No private Redis is running: run Start Private Redis first.")
        self._server.freeze()

    @keyword("Stop Private Redis")
    def stop_private_redis(self) -> None:
        """Stops the private server and deletes its directory. Safe in a teardown."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    @keyword("Keyword Should Fail Within")
    def keyword_should_fail_within(self, limit: timedelta, name: str, *args: object) -> str:
        """Runs keyword ``name`` and fails unless it fails within ``limit``; returns its failure message."""
        started = time.monotonic()
        try:
            BuiltIn().run_keyword(name, *args)
        except Exception as error:
            if getattr(error, "dont_continue", False):
                raise
            elapsed = time.monotonic() - started
            if elapsed > seconds(limit):
                raise AssertionError(
                    f"'{name}' failed only after {duration(elapsed)}, expected within {duration(limit)}: {error}"
                ) from None
            logger.info(f"'{name}' failed after {duration(elapsed)}: {error}")
            return str(error)
        raise AssertionError(f"'{name}' should have failed within {duration(limit)}, but it passed.")
