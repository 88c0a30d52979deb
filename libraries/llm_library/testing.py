"""For pytest and benchmarks: a throwaway llmock emulator of its own, and a clean environment for child Robot runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx2

from libraries.common import wait_until

START_DEADLINE_S = 20.0
STOP_DEADLINE_S = 10.0
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


class PrivateEmulator:
    """The kit's LLM emulator (``python -m llm_emulator``: llmock with per-scope routes) on a free loopback port;
    ``url`` is its root. Use as a context manager."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "llm_emulator", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPOSITORY_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self) -> None:
        def healthy() -> bool:
            if self._process.poll() is not None:
                raise RuntimeError(f"llmock exited with {self._process.returncode} before answering /health")
            try:
                return httpx2.get(f"{self.url}/health", timeout=1.0).status_code == 200
            except httpx2.HTTPError:
                return False

        wait_until(healthy, START_DEADLINE_S, message=f"llmock did not answer {self.url}/health")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> PrivateEmulator:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def robot_env(**extra: str) -> dict[str, str]:
    """This environment without provider keys, base URLs and ``LLM_MODE``, plus ``extra``: for a child Robot run."""
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL")) and k != "LLM_MODE"}
    return {**env, **extra}
