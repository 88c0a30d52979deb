"""``python -m orchestrator system``: the API and N agents, forked from this warm parent; SIGTERM stops them all.

This process imports everything once (`warm.preload`) and forks each child: the preflight (so that the parent never
holds a connection), the API, the agents, and each worker requested later on the control socket. Once the API
answers, ``--ready-file`` gets JSON ``{"api_url", "api_pid", "agent_pids", "pid", "control"}``. Agents that die
(killed by a test, say) are reaped and not restarted: starting replacements is the caller's decision.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from .llm import prebuild_clients
from .processes import pid_alive
from .settings import Settings
from .warm import WarmParent, preload

API_START_TIMEOUT_S = 30.0
WAKE_INTERVAL_S = 0.2

SCRATCH_PREFIX = "orchestrator-"


def run_system(settings: Settings, host: str, port: int, ready_file: str | None) -> int:
    stopping: list[int] = []
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    os.set_blocking(wake_read, False)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.set_wakeup_fd(wake_write)
    os.environ["ORCH_WORKERS"] = str(settings.workers)  # /health expects as many agents as were started
    preload()
    prebuild_clients(settings)
    parent = WarmParent()
    parent.keep_private(wake_read, wake_write)
    _remove_scratch_of_dead_systems()
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:  # mode 0700: owner only
        try:
            preflight = parent.fork("preflight", lambda: _preflight(settings))
            code = parent.wait(preflight, API_START_TIMEOUT_S)
            if code != 0:
                return 2 if code == 2 else 1
            port_file = Path(scratch, "api.port")
            api = parent.fork("api", lambda: _serve_api(settings, host, port, port_file))
            agents = [parent.start_agent({}, _all_roles(), None)[0] for _ in range(settings.workers)]
            listener = parent.listen(str(Path(scratch, "control")))
            api_url = _wait_for_api(parent, api, port_file, host, stopping)
            if api_url is None:
                return 0 if stopping else 1
            if ready_file:
                ready = {"api_url": api_url, "api_pid": api, "agent_pids": agents, "pid": os.getpid()}
                _write_json(ready_file, {**ready, "control": str(Path(scratch, "control"))})
            while not stopping:
                readable, _, _ = select.select([listener, wake_read], [], [], WAKE_INTERVAL_S)
                parent.reap()
                if api in parent.exited:
                    print(f"orchestrator: the API process ended with exit code {parent.exited[api]}", flush=True)
                    return 1
                if wake_read in readable:
                    _drain(wake_read)
                if listener in readable and not stopping:
                    parent.serve_one()
            return 0
        finally:
            parent.stop_all()


def _remove_scratch_of_dead_systems() -> None:
    """A system killed with SIGKILL leaves its scratch directory (the control socket) behind: remove those."""
    for scratch in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        owner = scratch.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not pid_alive(int(owner)) and scratch.stat().st_uid == os.geteuid():
            shutil.rmtree(scratch, ignore_errors=True)


def _all_roles() -> tuple[str, ...]:
    from .keys import ROLE_STREAMS

    return tuple(ROLE_STREAMS)


def _preflight(settings: Settings) -> int:
    from .settings import SettingsError
    from .startup import preflight

    try:
        preflight(settings)
    except SettingsError as error:
        print(f"orchestrator: {error}", file=sys.stderr, flush=True)
        return 2
    return 0


def _serve_api(settings: Settings, host: str, port: int, port_file: Path) -> int:
    from .startup import serve_api
    from .warm import _log_as

    _log_as("api")
    return serve_api(settings, host, port, str(port_file))


def _probe_health(url: str) -> int:
    import httpx2

    try:
        httpx2.get(f"{url}/health", timeout=2.0)
    except httpx2.HTTPError:
        return 1
    return 0


def _wait_for_api(parent: WarmParent, api: int, port_file: Path, host: str, stopping: list[int]) -> str | None:
    """The API's URL once it answers ``/health`` (each probe is a forked child: the parent opens no connection)."""
    deadline = time.monotonic() + API_START_TIMEOUT_S
    while time.monotonic() < deadline and not stopping:
        parent.reap()
        if api in parent.exited:
            print(f"orchestrator: the API process ended at start with exit code {parent.exited[api]}", flush=True)
            return None
        if port_file.exists() and port_file.read_text().strip():
            url = f"http://{host}:{port_file.read_text().strip()}"
            probe = parent.fork("probe", lambda url=url: _probe_health(url))
            if parent.wait(probe, 5.0) == 0:
                return url
        time.sleep(0.02)
    if not stopping:
        print(f"orchestrator: the API did not answer within {API_START_TIMEOUT_S:g} s", flush=True)
    return None


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


def _write_json(path: str, content: dict) -> None:
    temporary = f"{path}.tmp"
    Path(temporary).write_text(json.dumps(content))
    os.replace(temporary, path)
