"""``python -m orchestrator system``: the API and N agents as children; SIGTERM stops them all.

The API's address and every child's pid are written to ``--ready-file`` (JSON) once the API answers. Agents that
die (killed by a test, say) are reaped and not restarted: starting replacements is the caller's decision.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType

import httpx2

from .processes import spawn, stop

API_START_TIMEOUT_S = 30.0


def run_system(workers: int, host: str, port: int, ready_file: str | None) -> int:
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with tempfile.TemporaryDirectory(prefix="orchestrator-") as scratch:
        port_file = Path(scratch, "api.port")
        env = {**os.environ, "ORCH_WORKERS": str(workers)}  # /health expects as many agents as were started
        api = spawn(["api", "--host", host, "--port", str(port), "--port-file", str(port_file)], env)
        agents = [spawn(["agent"], env) for _ in range(workers)]
        children = [api, *agents]
        try:
            api_url = _wait_for_api(api, port_file, host, stopping)
            if api_url is None:
                return 1 if not stopping.is_set() else 0
            if ready_file:
                _write_json(
                    ready_file,
                    {"api_url": api_url, "api_pid": api.pid, "agent_pids": [a.pid for a in agents], "pid": os.getpid()},
                )
            while not stopping.wait(0.2):
                if api.poll() is not None:
                    print(f"orchestrator: the API process ended with exit code {api.returncode}", flush=True)
                    return 1
                for agent in agents:
                    agent.poll()  # reaps agents that were killed
            return 0
        finally:
            stop(children)


def _wait_for_api(api: subprocess.Popen, port_file: Path, host: str, stopping: threading.Event) -> str | None:
    deadline = time.monotonic() + API_START_TIMEOUT_S
    while time.monotonic() < deadline and not stopping.is_set():
        if api.poll() is not None:
            print(f"orchestrator: the API process ended at start with exit code {api.returncode}", flush=True)
            return None
        if port_file.exists() and port_file.read_text().strip():
            url = f"http://{host}:{port_file.read_text().strip()}"
            try:
                httpx2.get(f"{url}/health", timeout=2.0)
                return url
            except httpx2.HTTPError:
                pass
        stopping.wait(0.05)
    if not stopping.is_set():
        print(f"orchestrator: the API did not answer within {API_START_TIMEOUT_S:g} s", flush=True)
    return None


def _write_json(path: str, content: dict) -> None:
    temporary = f"{path}.tmp"
    Path(temporary).write_text(json.dumps(content))
    os.replace(temporary, path)
