"""`.ci/workflows` passes the shipped workflow and fails a broken copy: an unknown key (the GitHub-workflow schema)
and a `needs` that names no job (actionlint)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "robot.yml"


def check(*workflows: Path) -> subprocess.CompletedProcess:
    command = ["bash", ".ci/workflows", *(str(workflow) for workflow in workflows)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = WORKFLOW.read_text()
    assert old in text
    copy = tmp_path / "robot.yml"
    copy.write_text(text.replace(old, new, 1))
    return copy


def test_the_shipped_workflows_pass():
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unknown_key_fails_the_schema_check(tmp_path):
    result = check(broken(tmp_path, "    timeout-minutes: 45\n", "    timeout-minutes: 45\n    runs-onn: linux\n"))
    assert result.returncode != 0
    assert "'runs-onn' was unexpected" in result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="actionlint runs on node, which is not on PATH")
def test_needs_naming_no_job_fails_actionlint(tmp_path):
    result = check(broken(tmp_path, "needs: suites", "needs: no-such-job"))
    assert result.returncode != 0
    assert 'needs job "no-such-job" which does not exist' in result.stderr
