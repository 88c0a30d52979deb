"""A canary key in the environment takes the real-provider path through the whole LLM suite and never shows up
in the results directory or on the console, even at TRACE log level."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from robot.api import ExecutionResult

from libraries.llm_library.testing import robot_env

REPO = Path(__file__).resolve().parents[2]
RUN_DEADLINE_S = 600
# llmock 0.2.2 reads Anthropic's structured-output schema from the old top-level `output_format`; the SDK sends
# `output_config.format`, and the library adds `output_format` only in emulator mode, never towards a real API.
FAILS_ONLY_AGAINST_THE_EMULATOR_ON_THE_REAL_PATH = {
    "Suites.Llm.Structured Output.Anthropic Answers JSON Matching The Schema"
}


@pytest.mark.timeout(RUN_DEADLINE_S + 30)
@pytest.mark.parametrize(
    "keys", [("OPENAI_API_KEY", "ANTHROPIC_API_KEY"), ("OPENAI_API_KEY",)], ids=["both-keys", "openai-key-only"]
)
def test_canary_keys_never_reach_results_or_console(emulator_url: str, tmp_path: Path, keys: tuple[str, ...]):
    canaries = {name: f"sk-canary-{uuid.uuid4().hex}" for name in keys}
    env = robot_env(
        **canaries,
        OPENAI_BASE_URL=f"{emulator_url}/v1",
        ANTHROPIC_BASE_URL=f"{emulator_url}/anthropic",
        LLM_BUDGET_USD="5",
    )
    results = tmp_path / "results"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "robot",
            "--include",
            "llm",
            "--loglevel",
            "TRACE",
            "--outputdir",
            str(results),
            "suites/",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_DEADLINE_S,
    )
    failed = {test.full_name for test in ExecutionResult(str(results / "output.xml")).suite.all_tests if test.failed}
    assert failed <= FAILS_ONLY_AGAINST_THE_EMULATOR_ON_THE_REAL_PATH, run.stdout[-3000:]
    output = (results / "output.xml").read_text(encoding="utf-8")
    assert "OpenAI gpt-4o-mini [real]" in output
    assert "Anthropic claude-haiku-4-5 [real]" in output or "ANTHROPIC_API_KEY" not in canaries
    texts = {"stdout": run.stdout, "stderr": run.stderr}
    texts.update({str(p): p.read_text(encoding="utf-8", errors="replace") for p in results.rglob("*") if p.is_file()})
    for where, text in texts.items():
        for name, canary in canaries.items():
            assert canary not in text, f"{name} leaked into {where}"
            assert canary[-12:] not in text, f"part of {name} leaked into {where}"
