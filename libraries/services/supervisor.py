"""A supervisor of the run: owns embedded servers and removes them when the run ends, however it ends.

Started detached by the first process of a run (`python -m libraries.services.supervisor`). It starts the requested
servers as its own children (they die with it), reports their URLs once every one is healthy, and then waits for
SIGTERM (a normal end of the run) or for the death of the run's owner process (`robot`, `pabot` or `pytest`, even
after SIGKILL). Either way it stops what the registries of systems under test in the run directory still list
(``system_registry.py``), then its servers, and deletes the run directory.

A run may have several supervisors: a later pabot process that needs a service the run lacks starts one more
(``--added``) for that service alone, watching the same owner. The first writes ``supervisor.pid``, ``servers.pids``
and ``services.json``; an added one the same names with its pid (``services-<pid>.json``). Each removes its own files
when it ends, and the last one to end deletes the run directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import shutil
import signal
import sys
import threading
from pathlib import Path

from .embedded import STARTERS, Server, StartupError
from .processes import ProcessId, terminate
from .system_registry import stop_registered

SERVICES_FILE = "services.json"
SUPERVISOR_FILE = "supervisor.pid"
SERVERS_FILE = "servers.pids"
COMPANIONS_FILE = "companions.pids"
"""Processes of the run's runner (PabotLib's server) that nobody else stops when the owner is killed."""


def part_file(name: str, part: str) -> str:
    """The file `name` (``services.json``) of the run's first supervisor, or of the one added as `part`."""
    stem, _, suffix = name.partition(".")
    return f"{stem}-{part}.{suffix}" if part else name


def part_files(run_dir: Path, name: str) -> list[Path]:
    """The file `name` (``services.json``) of every supervisor of the run that has one, the first supervisor's first."""
    stem, _, suffix = name.partition(".")
    return [path for path in [run_dir / name, *sorted(run_dir.glob(f"{stem}-*.{suffix}"))] if path.is_file()]


def live_supervisors(run_dir: Path) -> list[ProcessId]:
    """The run's supervisors that are alive (their pid files are written whole, by a rename)."""
    alive = []
    for path in part_files(run_dir, SUPERVISOR_FILE):
        try:
            supervisor = ProcessId.parse(path.read_text())
        except (OSError, ValueError):
            continue  # removed by its supervisor while ending, or broken
        if supervisor.is_alive():
            alive.append(supervisor)
    return alive


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    run_dir = Path(args.run_dir)
    owner = ProcessId.parse(args.owner)
    part = str(os.getpid()) if args.added else ""
    own_files = [run_dir / part_file(name, part) for name in (SUPERVISOR_FILE, SERVERS_FILE, SERVICES_FILE)]
    _write_whole(run_dir / part_file(SUPERVISOR_FILE, part), str(ProcessId.of(os.getpid())))
    stop_reader = _stop_on_sigterm()
    keepers = [_ServerKeeper(name, run_dir) for name in args.services]
    try:
        for keeper in keepers:
            keeper.start()
        for keeper in keepers:
            keeper.ready.wait()
        servers = [keeper.server for keeper in keepers if keeper.server is not None]
        server_pids = "".join(f"{ProcessId.of(server.process.pid)}\n" for server in servers)
        _write_whole(run_dir / part_file(SERVERS_FILE, part), server_pids)
        errors = [f"{keeper.service}: {keeper.error}" for keeper in keepers if keeper.error is not None]
        if errors:
            _report({"error": "; ".join(errors)})
            return 1
        urls = {server.name: server.url for server in servers}
        _write_whole(run_dir / part_file(SERVICES_FILE, part), json.dumps(urls), mode=0o600)  # URLs are private
    except Exception as error:
        _report({"error": f"the service supervisor failed: {type(error).__name__}: {error}"})
        return 1
    else:
        _report({"ready": True})
        ended_normally = _wait_for_end(owner, stop_reader)
        # The run is over either way: what its test processes left of their systems under test goes first.
        stop_registered(run_dir, orphans_only=False)
        if not ended_normally:
            stop_companions(run_dir)
        return 0
    finally:
        for keeper in keepers:
            keeper.stop.set()
        for keeper in keepers:
            keeper.join()
        for path in own_files:
            path.unlink(missing_ok=True)
        # Own files first, then the look at the others: of supervisors ending together, the last to look removes.
        if not live_supervisors(run_dir):
            shutil.rmtree(run_dir, ignore_errors=True)


class _ServerKeeper(threading.Thread):
    """Starts one server and stays alive until it is stopped.

    The kernel sends a child's death signal when the *thread* that forked it ends, so the thread that starts a
    server must outlive it.
    """

    def __init__(self, name: str, run_dir: Path) -> None:
        super().__init__(name=f"keeper-{name}", daemon=True)
        self.service = name
        self.run_dir = run_dir
        self.server: Server | None = None
        self.error: Exception | None = None
        self.ready = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            if self.service not in STARTERS:
                raise StartupError(f"unknown service; the known ones are {', '.join(STARTERS)}")
            self.server = STARTERS[self.service](self.run_dir)
        except Exception as error:
            self.error = error
        finally:
            self.ready.set()
        self.stop.wait()
        if self.server is not None:
            terminate(self.server.process.pid, self.server.stop_signal)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m libraries.services.supervisor")
    parser.add_argument("--owner", required=True, help="pid:starttime of the process whose end ends the run")
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--services", type=lambda text: [name for name in text.split(",") if name], default=[])
    parser.add_argument("--added", action="store_true", help="add the services to a run another supervisor started")
    return parser.parse_args(argv)


def _stop_on_sigterm() -> int:
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    signal.set_wakeup_fd(writer)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: None)
    return reader


def _wait_for_end(owner: ProcessId, stop_reader: int) -> bool:
    """True on a normal end (SIGTERM), False when the owner died."""
    owner_fd = _pidfd(owner.pid)
    watched = [stop_reader] + ([owner_fd] if owner_fd is not None else [])
    while owner.is_alive():
        ready, _, _ = select.select(watched, [], [], 1.0)
        if stop_reader in ready:
            return True
    return False


def stop_companions(run_dir: Path) -> None:
    """Stop the runner's helper processes listed in the run directory (after the owner died: pabot killed)."""
    with contextlib.suppress(OSError):
        for line in (run_dir / COMPANIONS_FILE).read_text().split():
            companion = ProcessId.parse(line)
            if companion.is_alive():
                terminate(companion.pid)


def _pidfd(pid: int) -> int | None:
    with contextlib.suppress(AttributeError, OSError):
        return os.pidfd_open(pid)
    return None


def _report(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()
    sys.stdout.close()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)


def _write_whole(path: Path, text: str, mode: int = 0o644) -> None:
    """Write `text` under a temporary name, then rename: readers see the whole file or none."""
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as file:
        file.write(text)
    os.replace(temporary, path)


if __name__ == "__main__":
    sys.exit(main())
