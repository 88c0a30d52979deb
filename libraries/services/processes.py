"""Process identity, free ports and child processes that die with their parent."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import signal
import socket
import sys
from dataclasses import dataclass

from libraries.common import WaitTimeout, wait_until

_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ProcessId:
    """A pid plus its start time, so a recycled pid is never mistaken for the process we started."""

    pid: int
    started: str

    def __str__(self) -> str:
        return f"{self.pid}:{self.started}"

    @classmethod
    def parse(cls, text: str) -> ProcessId:
        pid, _, started = text.strip().partition(":")
        return cls(int(pid), started)

    @classmethod
    def of(cls, pid: int) -> ProcessId:
        return cls(pid, start_time(pid))

    def is_alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return start_time(self.pid) == self.started and not _is_zombie(self.pid)


def start_time(pid: int) -> str:
    """Kernel start time of `pid` (clock ticks since boot) on Linux; "" elsewhere or when it is gone."""
    fields = _stat_fields(pid)
    return fields[19] if len(fields) > 19 else ""


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/PID/stat from the state on; the command name before it may contain spaces."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def children_running(parent: int, module: str) -> list[ProcessId]:
    """Live children of `parent` whose command line runs the Python module `module` (Linux; [] elsewhere)."""
    found = []
    for proc in os.scandir("/proc") if os.path.isdir("/proc") else []:
        if not proc.name.isdigit():
            continue
        fields = _stat_fields(int(proc.name))
        if len(fields) < 2 or fields[1] != str(parent):
            continue
        try:
            with open(f"/proc/{proc.name}/cmdline", "rb") as cmdline:
                arguments = cmdline.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if module in arguments:
            found.append(ProcessId.of(int(proc.name)))
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unprivileged_user() -> pwd.struct_passwd | None:
    """The account servers run as when we are root (PostgreSQL refuses to run as root)."""
    if sys.platform == "win32" or os.geteuid() != 0:
        return None
    return pwd.getpwnam("nobody")


def child_setup(run_as: pwd.struct_passwd | None):
    """A `preexec_fn` that drops to `run_as` and then asks the kernel to kill the child when its parent dies.

    The death signal is set after the uid change because the kernel clears it when credentials change.
    """
    parent = os.getpid()

    def setup() -> None:
        if run_as is not None:
            os.setgroups([])
            os.setgid(run_as.pw_gid)
            os.setuid(run_as.pw_uid)
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:
                os._exit(1)

    return setup


def terminate(pid: int, first_signal: int = signal.SIGTERM, grace: float = 5.0) -> None:
    """Send `first_signal`, then SIGKILL after `grace` seconds; reap it when it is our child."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, first_signal)
    try:
        wait_until(lambda: not _running(pid), grace, pause=0.01)
        return
    except WaitTimeout:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not _running(pid), None, pause=0.01)


def _running(pid: int) -> bool:
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        return reaped == 0
    except ChildProcessError:
        return pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """The process exists and is not a zombie (an ended child nobody has reaped yet); it is not reaped here."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    return _stat_fields(pid)[:1] == ["Z"]
