"""The README's two commands: `.ci/run` runs exactly the second, the authoring guide sets up with exactly the first,
and both stay short enough to copy without mistakes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ARGS = ["--ordering", "resources/pabot-ordering.txt", "suites/"]


def readme_commands() -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, flags=re.DOTALL)[:2]


def test_ci_runs_the_readme_test_command():
    ci_run = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci_run[-1] == readme_commands()[1]


def test_the_authoring_guide_sets_up_with_the_readme_run_command():
    assert f"```bash\n{readme_commands()[0]}\n```" in (ROOT / "docs" / "AUTHORING.md").read_text()


def test_each_command_is_one_short_line():
    for command in readme_commands():
        assert "\n" not in command
        assert len(command) <= 80, command


def test_the_run_command_dry_runs_every_suite(tmp_path):
    """README command 1's run, as a dry run: every suite parses and every keyword it calls exists."""
    command = [sys.executable, "scripts/run_suites.py", "--outputdir", str(tmp_path), "--dryrun", *DEFAULT_ARGS]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"^\d+ tests, (\d+) passed, 0 failed", done.stdout, flags=re.MULTILINE)
