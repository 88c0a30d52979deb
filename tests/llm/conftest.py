"""A real llmock emulator for the LLM library tests, and the runtime wired to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from libraries.llm_library import LLMLibrary
from libraries.services import runtime

LLMOCK = Path(sys.executable).with_name("llmock")
START_DEADLINE_S = 20.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"llmock exited with {server.returncode} before answering /health")
        try:
            if httpx2.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx2.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"llmock did not answer {url}/health within {START_DEADLINE_S} s")


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(LLMOCK), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def llm_runtime(emulator_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[runtime.Endpoints]:
    """The run's endpoints with the emulator and a fresh run directory; no provider keys in the environment."""
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "LLM_MODE"):
        monkeypatch.delenv(name, raising=False)
    try:
        previous = runtime.endpoints()
    except runtime.ServicesNotReady:
        previous = None
    endpoints = runtime.Endpoints(
        database_url="", redis_url="", llm_emulator_url=emulator_url, run_id="llm-tests", run_dir=str(tmp_path)
    )
    runtime.activate(endpoints)
    yield endpoints
    runtime.activate(previous)


@pytest.fixture
def library(llm_runtime: runtime.Endpoints) -> Iterator[LLMLibrary]:
    """An LLMLibrary as one test of a suite sees it: its own emulator scope, connections closed afterwards."""
    lib = LLMLibrary()
    lib.state.start_test()
    yield lib
    lib.state.close_all()
    if lib.state.cassette is not None:
        lib.state.cassette.close()


def robot_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL")) and k != "LLM_MODE"}
    return {**env, **extra}
