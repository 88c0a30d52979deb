"""Process plumbing: dying with the parent, whether a process lives, masking URLs in messages."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

_PR_SET_PDEATHSIG = 1


def die_with_parent(expected_parent: int | None = None) -> None:
    """On Linux, this process gets SIGKILL when its parent ends (also when the parent is SIGKILLed).

    ``expected_parent`` (a forked child passes its parent's pid) also ends a child whose parent died before this ran.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid() if expected_parent is None else expected_parent
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the signal was armed
        os._exit(1)


def pid_alive(pid: int) -> bool:
    """The process exists and is not a zombie (an ended child nobody has reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        pass
    if Path("/proc/self/stat").exists():  # procfs answers for every live process: this one has ended
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mask_url(url: str) -> str:
    """``scheme://host:port`` only: no user, password, path or query reaches a message."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}:{parts.port}" if parts.hostname else "(not a URL)"
    except ValueError:
        return "(not a URL)"
