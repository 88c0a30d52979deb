"""The warm parent: one process that has imported everything a child needs and forks each child in milliseconds.

``python -m orchestrator system`` is this parent. It imports the orchestrator, FastAPI and uvicorn, the OpenAI and
Anthropic SDKs, psycopg and redis once, and then forks the API, the agents and every worker started later. While it
forks it stays single-threaded and holds no connection, pool, thread or event loop: each child opens its own after
the fork, so nothing is shared by accident. A forked child is a real OS process with its own pid: it arms
``PR_SET_PDEATHSIG`` (SIGKILL when the parent ends), takes the parent's environment plus the overrides it was forked
with, and handles SIGTERM as a started ``python -m orchestrator agent`` does.

Workers are requested on a Unix socket (``control``, in a directory only the owner can enter; a peer of another
user is refused by its ``SO_PEERCRED``). A Unix socket, rather than an endpoint of the HTTP API: the API is a child
of this parent, not the parent itself, and serving HTTP here would need an event loop or threads in the process that
forks. One JSON request per connection, one JSON answer:

- ``{"op": "start", "env": {"ORCH_FAILPOINT": "after_llm"}, "roles": ["worker"], "name": null}``
  -> ``{"pid": 1234, "name": "agent-host-1234"}``
- ``{"op": "status", "pid": 1234}`` -> ``{"running": false, "returncode": -9}`` (``returncode`` as ``Popen``'s)
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import logging
import os
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable

from .keys import ROLE_STREAMS, agent_name
from .processes import die_with_parent

PRELOADED = (
    "orchestrator.consumer",
    "orchestrator.api",
    "uvicorn",
    "openai",
    "openai.resources.chat",  # the SDKs import a resource's module on its first use
    "anthropic",
    "anthropic.resources.messages",
    "httpx2",
)
"""Modules a child would otherwise import on its own (about a second of start-up)."""
REQUEST_TIMEOUT_S = 2.0
MAX_REQUEST_BYTES = 64 * 1024
FAILED_CHILD = 70

log = logging.getLogger("orchestrator.warm")


def preload() -> None:
    for module in PRELOADED:
        importlib.import_module(module)
    # A collection in a child would touch every inherited object and copy the parent's memory page by page: what
    # was imported here stays out of the collector's reach (the documented use of gc.freeze before forking).
    gc.collect()
    gc.freeze()


class WarmParent:
    """Forks children, reaps them, answers the control socket and stops every child it forked."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.running: dict[int, str] = {}
        self.exited: dict[int, int] = {}
        self._private_fds: list[int] = []
        self._listener: socket.socket | None = None

    # -- forking ----------------------------------------------------------------------------------

    def fork(self, what: str, target: Callable[[], int], env: dict[str, str | None] | None = None) -> int:
        """Runs ``target()`` in a forked child (its return value is the exit code); returns the child's pid."""
        if threading.active_count() != 1:
            raise RuntimeError(f"the warm parent runs {threading.active_count()} threads: it may not fork")
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid:
            self.running[pid] = what
            return pid
        code = FAILED_CHILD
        try:
            self._become_child(env or {})
            code = target()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else FAILED_CHILD
        except BaseException:
            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                logging.shutdown()
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)

    def _become_child(self, env: dict[str, str | None]) -> None:
        die_with_parent(expected_parent=self.pid)
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        if self._listener is not None:
            self._listener.close()
        for fd in self._private_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        for name, value in env.items():
            if value is None or value == "":
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def start_agent(self, env: dict[str, str | None], roles: tuple[str, ...], name: str | None) -> tuple[int, str]:
        pid = self.fork("agent", lambda: run_agent(roles, name), env)
        return pid, name or agent_name(socket.gethostname(), pid)

    # -- children ---------------------------------------------------------------------------------

    def reap(self) -> None:
        while self.running:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.running.pop(pid, None)
            self.exited[pid] = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)

    def wait(self, pid: int, timeout_s: float) -> int | None:
        deadline = time.monotonic() + timeout_s
        while True:
            self.reap()
            if pid not in self.running:
                return self.exited.get(pid)
            if time.monotonic() > deadline:
                return None
            time.sleep(0.01)

    def stop_all(self, grace_s: float = 10.0) -> None:
        """SIGTERM to every child, SIGKILL to those still running after `grace_s`; all are reaped."""
        for pid in list(self.running):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while self.running and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.02)
        for pid in list(self.running):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        while self.running:
            self.reap()
            time.sleep(0.01)

    # -- control socket ---------------------------------------------------------------------------

    def listen(self, path: str) -> socket.socket:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        os.chmod(path, 0o600)
        listener.listen(16)
        self._listener = listener
        return listener

    def keep_private(self, *fds: int) -> None:
        """File descriptors a forked child closes (the parent's own pipes)."""
        self._private_fds.extend(fds)

    def serve_one(self) -> None:
        """Answers one request waiting on the control socket."""
        connection, _ = self._listener.accept()
        with connection:
            connection.settimeout(REQUEST_TIMEOUT_S)
            try:
                if _peer_uid(connection) != os.getuid():
                    raise PermissionError("the control socket answers its owner only")
                answer = self._answer(json.loads(read_line(connection)))
            except Exception as error:  # one bad request must not end the system
                answer = {"error": f"{type(error).__name__}: {error}"}
            with contextlib.suppress(OSError):
                connection.sendall(json.dumps(answer).encode() + b"\n")

    def _answer(self, request: dict) -> dict:
        if request.get("op") == "start":
            roles = tuple(request.get("roles") or ROLE_STREAMS)
            unknown = [role for role in roles if role not in ROLE_STREAMS]
            if unknown:
                raise ValueError(f"unknown role {unknown[0]}")
            env = {str(k): None if v is None else str(v) for k, v in (request.get("env") or {}).items()}
            pid, name = self.start_agent(env, roles, request.get("name"))
            return {"pid": pid, "name": name}
        if request.get("op") == "status":
            pid = int(request["pid"])
            self.reap()
            if pid in self.running:
                return {"running": True, "returncode": None}
            if pid in self.exited:
                return {"running": False, "returncode": self.exited[pid]}
            raise LookupError(f"{pid} is not a child of this system")
        raise ValueError(f"unknown op {request.get('op')!r}")


def run_agent(roles: tuple[str, ...], name: str | None) -> int:
    """The body of a forked agent: the settings of its own environment, then `AgentProcess` until SIGTERM."""
    from . import settings as settings_module
    from .consumer import AgentProcess

    _log_as("agent")
    try:
        settings = settings_module.load()
    except settings_module.SettingsError as error:
        print(f"orchestrator: {error}", file=sys.stderr, flush=True)
        return 2
    AgentProcess(settings, roles, name).run()
    return 0


def _log_as(command: str) -> None:
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {command} %(name)s: %(message)s", force=True)


def _peer_uid(connection: socket.socket) -> int:
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", credentials)[1]


def read_line(connection: socket.socket, limit: int = MAX_REQUEST_BYTES) -> bytes:
    """One newline-terminated message of the control socket (or what came before the peer closed)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ValueError("the message is too long")
    return data
