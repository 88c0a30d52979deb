"""The example suites in docs/AUTHORING.md run green, together in one directory without an __init__.robot."""

from __future__ import annotations

import re

from libraries.services.lifecycle import REPOSITORY_ROOT, runs_root

from .helpers import processes_of_run, robot_command, run, run_ids

GUIDE = REPOSITORY_ROOT / "docs" / "AUTHORING.md"


def test_the_guides_example_suites_pass(tmp_path):
    blocks = re.findall(r"```robotframework\n(\*\*\* Settings \*\*\*.*?)```", GUIDE.read_text(), re.S)
    assert len(blocks) == 4, "one example suite per area: Redis, PostgreSQL, LLM, agent system"
    suites = tmp_path / "examples"
    suites.mkdir()
    for index, block in enumerate(blocks):
        (suites / f"example_{index}.robot").write_text(block)
    keys = {name: "" for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL")}
    done = run(robot_command("robot", tmp_path / "out", suites), env=keys)

    assert done.returncode == 0, done.stdout[-3000:]
    assert "5 tests, 5 passed" in done.stdout
    (run_id,) = run_ids(tmp_path / "out")
    assert processes_of_run(run_id) == []
    assert not (runs_root() / run_id).exists()
