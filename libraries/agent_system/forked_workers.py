"""Workers forked by the reference orchestrator's warm parent, asked for on its control socket.

``python -m orchestrator system`` writes the socket's path to its ready file (``control``). A worker forked there is
a real process, but a child of the system rather than of the test process, so `ForkedWorker` stands in for
``subprocess.Popen``: ``pid``, ``poll()``, ``wait()``, ``terminate()``, ``kill()`` and ``returncode``, with the exit
status the system reaped.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
from typing import Any

from libraries.common import WaitTimeout, wait_until
from orchestrator.processes import pid_alive
from orchestrator.warm import read_line

from .errors import AgentSystemError

CONTROL_TIMEOUT_S = 10.0


class ControlChannel:
    """The system's control socket: one JSON request and one JSON answer per connection."""

    def __init__(self, path: str) -> None:
        self.path = path

    def request(self, **request: Any) -> dict[str, Any]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(CONTROL_TIMEOUT_S)
            connection.connect(self.path)
            connection.sendall(json.dumps(request).encode() + b"\n")
            data = read_line(connection)
        answer = json.loads(data or b"{}")
        if "error" in answer or not answer:
            raise AgentSystemError(f"The orchestrator refused {request.get('op')}: {answer.get('error', 'no answer')}")
        return answer

    def start_worker(self, env: dict[str, str], roles: list[str] | None = None) -> ForkedWorker:
        answer = self.request(op="start", env=env, roles=roles)
        return ForkedWorker(self, answer["pid"], answer["name"])


class ForkedWorker:
    """A worker process forked by the system: signalled by pid, its exit status asked of the system."""

    def __init__(self, control: ControlChannel, pid: int, name: str) -> None:
        self.control = control
        self.pid = pid
        self.name = name
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                status = self.control.request(op="status", pid=self.pid)
                self.returncode = status["returncode"]
            except (OSError, AgentSystemError):  # the system has ended: its children died with it
                if not pid_alive(self.pid):
                    self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        try:
            wait_until(lambda: self.poll() is not None, timeout, pause=0.01)
        except WaitTimeout:
            raise subprocess.TimeoutExpired(f"worker {self.name}", timeout) from None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
