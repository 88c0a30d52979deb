"""A real llmock emulator for the LLM library tests, and the runtime wired to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from libraries.llm_library import LLMLibrary
from libraries.llm_library.testing import PrivateEmulator
from libraries.services import runtime


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    with PrivateEmulator() as emulator:
        yield emulator.url


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
