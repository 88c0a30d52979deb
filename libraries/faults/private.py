"""A suite's private Redis for restart faults: the embedded server's code, append-only, restartable in place.

The server is started, restarted and stopped from one keeper thread that lives as long as the server: Linux sends a
child's death signal when the *thread* that forked it ends, so the server dies with the test process (also after
SIGKILL) and not with the keyword that restarted it.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from libraries.services.embedded import Server, start_redis
from libraries.services.processes import terminate

STOP_GRACE = 5.0


class PrivateRedis:
    """``redis-server --appendonly yes`` in ``directory`` on a fixed port once started; ``url`` never changes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._keeper = _Keeper()
        self._server: Server = self._keeper.call(lambda: start_redis(self.directory, appendonly=True))
        self.url = self._server.url
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])

    @property
    def pid(self) -> int:
        return self._server.process.pid

    def restart(self, *, keep_data: bool) -> None:
        """Stops the server (SIGTERM: the append-only file is written out) and starts it again on its port.

        Without ``keep_data`` its files are deleted in between, as a server that lost its disk.
        """

        def again() -> Server:
            self._stop_server()
            if not keep_data:
                for path in self.directory.iterdir():
                    if path.name.startswith(("appendonly", "dump")):
                        shutil.rmtree(path) if path.is_dir() else path.unlink()
            return start_redis(self.directory, appendonly=True, port=self.port)

        self._server = self._keeper.call(again)

    def stop(self) -> None:
        self._keeper.call(self._stop_server)
        self._keeper.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _stop_server(self) -> None:
        terminate(self._server.process.pid, grace=STOP_GRACE)


class _Keeper(threading.Thread):
    """Runs the calls it is given, one at a time, in its own long-lived thread."""

    def __init__(self) -> None:
        super().__init__(name="private-redis-keeper", daemon=True)
        self._calls: queue.Queue = queue.Queue()
        self.start()

    def run(self) -> None:
        while (item := self._calls.get()) is not None:
            call, answer = item
            try:
                answer.put((True, call()))
            except BaseException as error:  # handed back to the caller
                answer.put((False, error))

    def call(self, function: Callable[[], Any]) -> Any:
        answer: queue.Queue = queue.Queue()
        self._calls.put((function, answer))
        done, value = answer.get()
        if not done:
            raise value
        return value

    def close(self) -> None:
        self._calls.put(None)
        self.join(timeout=STOP_GRACE)
