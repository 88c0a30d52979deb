"""Start, join, extend and stop one run's supervisors; sweep what dead runs left behind on this machine."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .embedded import StartupError, cache_root
from .processes import ProcessId, terminate
from .runtime import Endpoints
from .supervisor import (
    COMPANIONS_FILE,
    SERVERS_FILE,
    SERVICES_FILE,
    SUPERVISOR_FILE,
    live_supervisors,
    part_file,
    part_files,
    stop_companions,
)
from .system_registry import stop_registered

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
OWNER_FILE = "owner"
START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
OWNERLESS_GRACE = 5.0


@dataclass(frozen=True)
class Run:
    run_id: str
    run_dir: Path
    owner: ProcessId
    urls: dict[str, str] = field(default_factory=dict)


def endpoints_for(
    run: Run,
    database_url: str | None,
    redis_url: str | None,
    *,
    toxiproxy_url: str | None = None,
    used: Collection[str] | None = None,
) -> Endpoints:
    """Configured URLs where given, the run's embedded servers for the rest.

    `used` limits the embedded servers to those services: a pabot run has what any of its processes uses.
    """
    urls = {name: url for name, url in run.urls.items() if used is None or name in used}
    return Endpoints(
        database_url=database_url or urls.get("postgres", ""),
        redis_url=redis_url or urls.get("redis", ""),
        llm_emulator_url=urls.get("llm"),
        embedded=frozenset(urls),
        run_id=run.run_id,
        run_dir=str(run.run_dir),
        fault_proxy_url=toxiproxy_url or urls.get("faults"),
    )


def runs_root() -> Path:
    root = cache_root() / "runs"
    root.mkdir(mode=0o755, exist_ok=True)
    return root


def new_run_id() -> str:
    """A time stamp plus randomness: unique across machines sharing a server, and its age can be read off it."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(3)


def start_run(services: list[str], owner: ProcessId, companions: list[ProcessId] = ()) -> Run:
    """Start the run's supervisor and, through it, the embedded `services`; return once all are healthy.

    `companions` are processes of the owner's (PabotLib's server) that the supervisor stops when the owner is
    killed, since nothing else would.
    """
    sweep_dead_runs()
    run_id = new_run_id()
    run_dir = runs_root() / run_id
    run_dir.mkdir(mode=0o755)
    (run_dir / OWNER_FILE).write_text(str(owner))
    (run_dir / COMPANIONS_FILE).write_text("".join(f"{companion}\n" for companion in companions))
    try:
        _start_supervisor(run_dir, owner, services)
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    return join_run(run_dir)


def add_services(run: Run, services: list[str]) -> Run:
    """Start `services` for a run that lacks them, under a supervisor of their own; return the run with them.

    Callers serialise additions to one run (pabot processes hold a PabotLib lock). A failure leaves the run as it was.
    """
    _start_supervisor(run.run_dir, run.owner, services, added=True)
    return join_run(run.run_dir)


def join_run(run_dir: Path) -> Run:
    """The run another process started (pabot workers share one run), with the services of all its supervisors."""
    services_files = part_files(run_dir, SERVICES_FILE)
    if not services_files:
        raise StartupError(f"The run's services are gone ({run_dir} has no {SERVICES_FILE}): did the run end?")
    urls: dict[str, str] = {}
    for services_file in services_files:
        for name, url in json.loads(services_file.read_text()).items():
            urls.setdefault(name, url)
    owner = ProcessId.parse((run_dir / OWNER_FILE).read_text())
    return Run(run_dir.name, run_dir, owner, urls)


def stop_run(run: Run) -> None:
    """Stop the servers of every supervisor and delete the run directory; returns when both are gone."""
    supervisors = live_supervisors(run.run_dir)
    for supervisor in supervisors:
        with contextlib.suppress(ProcessLookupError):
            os.kill(supervisor.pid, signal.SIGTERM)  # all at once: each takes a moment to stop its servers
    for supervisor in supervisors:
        terminate(supervisor.pid, grace=STOP_TIMEOUT)
    _remove_leftovers(run.run_dir)


def sweep_dead_runs() -> list[str]:
    """Stop servers and delete directories of runs whose supervisor is gone (killed with SIGKILL, machine crash).

    Also deletes directories that no run owns any more: no supervisor and a dead or missing owner (for example a
    directory a late writer re-created after its run ended). In runs that live on, it stops the processes of
    systems under test whose test process is dead (a pabot process killed with SIGKILL).
    """
    swept = []
    for run_dir in runs_root().iterdir():
        if not _is_abandoned(run_dir):
            stop_registered(run_dir, orphans_only=True)
            continue
        _remove_leftovers(run_dir)
        swept.append(run_dir.name)
    return swept


def _is_abandoned(run_dir: Path) -> bool:
    try:
        age = time.time() - run_dir.stat().st_mtime
        if part_files(run_dir, SUPERVISOR_FILE):
            return not live_supervisors(run_dir)
        owner_file = run_dir / OWNER_FILE
        if not owner_file.exists():
            return age > OWNERLESS_GRACE  # start_run writes the owner right after creating the directory
        return age > START_TIMEOUT or not ProcessId.parse(owner_file.read_text()).is_alive()
    except OSError:
        return False  # removed under our feet
    except ValueError:
        return age > OWNERLESS_GRACE  # a pid file being written right now, or a broken one


def _remove_leftovers(run_dir: Path) -> None:
    stop_registered(run_dir, orphans_only=False)  # the systems under test first: they use the servers
    owner_file = run_dir / OWNER_FILE
    if owner_file.exists() and not _alive(owner_file.read_text()):
        stop_companions(run_dir)
    for servers_file in part_files(run_dir, SERVERS_FILE):
        with contextlib.suppress(OSError, ValueError):
            for line in servers_file.read_text().split():
                server = ProcessId.parse(line)
                if server.is_alive():
                    terminate(server.pid)
    shutil.rmtree(run_dir, ignore_errors=True)


def _alive(process: str) -> bool:
    try:
        return ProcessId.parse(process).is_alive()
    except ValueError:
        return False


def _start_supervisor(run_dir: Path, owner: ProcessId, services: list[str], *, added: bool = False) -> None:
    """Start a supervisor of the run for `services` and wait until they are healthy; StartupError otherwise."""
    command = [sys.executable, "-m", "libraries.services.supervisor", "--owner", str(owner), "--run-dir", str(run_dir)]
    supervisor = subprocess.Popen(
        [*command, "--services", ",".join(services), *(["--added"] if added else [])],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=REPOSITORY_ROOT,
    )
    report = _read_report(supervisor)
    if not report.get("ready"):
        terminate(supervisor.pid)
        if added:  # the files of a supervisor killed while starting (one that gives up removes its own)
            for name in (SUPERVISOR_FILE, SERVERS_FILE, SERVICES_FILE):
                (run_dir / part_file(name, str(supervisor.pid))).unlink(missing_ok=True)
        raise StartupError(
            report.get("error") or f"The service supervisor gave no report within {START_TIMEOUT:.0f} s."
        )


def _read_report(supervisor: subprocess.Popen) -> dict:
    """The supervisor's one JSON line, or {} when it stayed silent for START_TIMEOUT or died first."""
    ready, _, _ = select.select([supervisor.stdout], [], [], START_TIMEOUT)
    line = supervisor.stdout.readline() if ready else b""
    supervisor.stdout.close()
    if not line:
        return {}
    return json.loads(line)
