"""The example suites of docs/AUTHORING.md and the README pass robocop (check and format, with the project's
configuration) and run green, together in one directory without an __init__.robot."""

from __future__ import annotations

import re
import subprocess

from libraries.services.lifecycle import REPOSITORY_ROOT, runs_root

from .helpers import BIN, processes_of_run, robot_command, run, run_ids

GUIDE = REPOSITORY_ROOT / "docs" / "AUTHORING.md"
README = REPOSITORY_ROOT / "README.md"
SUITE_BLOCK = re.compile(r"```robotframework\n(\*\*\* Settings \*\*\*.*?)```", re.S)


def example_suites(directory):
    """Every example suite of the guide and the README, as files in ``directory``."""
    directory.mkdir()
    blocks = [
        (source.stem.lower(), block) for source in (GUIDE, README) for block in SUITE_BLOCK.findall(source.read_text())
    ]
    for index, (source, block) in enumerate(blocks):
        (directory / f"{source}_example_{index}.robot").write_text(block)
    return directory, len(blocks)


def test_the_example_suites_pass_robocop(tmp_path):
    suites, _ = example_suites(tmp_path / "examples")
    config = str(REPOSITORY_ROOT / "pyproject.toml")
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [str(BIN / "robocop"), *command, "--config", config, str(suites)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"robocop {' '.join(command)}:\n{done.stdout[-3000:]}"


def test_the_example_suites_pass(tmp_path):
    suites, count = example_suites(tmp_path / "examples")
    assert count == 6, (
        "one example suite per area in the guide (Redis, PostgreSQL, LLM, agent system), two in the README"
    )
    keys = {name: "" for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL")}
    done = run(robot_command("robot", tmp_path / "out", suites), env=keys)

    assert done.returncode == 0, done.stdout[-3000:]
    assert "7 tests, 7 passed" in done.stdout
    (run_id,) = run_ids(tmp_path / "out")
    assert processes_of_run(run_id) == []
    assert not (runs_root() / run_id).exists()
