"""README command 1's runner (scripts/run_suites.py): its exit status is the number of failed tests, and it is
non-zero, saying why, when pabot cannot run or the summary cannot be written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "scripts" / "run_suites.py"
SUITE = """\
*** Test Cases ***
Agent Run Is Stored
    No Operation

Agent Run Is Cached
    {second}
"""


def run_suites(*args: str | Path) -> subprocess.CompletedProcess:
    command = [sys.executable, str(RUNNER), *(str(arg) for arg in args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def suites(directory: Path, second_step: str) -> Path:
    folder = directory / "suites"
    folder.mkdir()
    (folder / "agent_runs.robot").write_text(SUITE.format(second=second_step))
    return folder


def test_all_passed_exits_zero_and_writes_the_summary(tmp_path):
    result = run_suites("--outputdir", tmp_path / "out", suites(tmp_path, "No Operation"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "summary.md").is_file()
    assert (tmp_path / "out" / "log.html").is_file()


def test_one_failed_test_exits_one(tmp_path):
    result = run_suites("--outputdir", tmp_path / "out", suites(tmp_path, "Fail    stale cache"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 tests, 1 passed, 1 failed" in result.stdout


def test_pabot_that_cannot_start_exits_non_zero_and_says_why(tmp_path):
    result = run_suites("--outputdir", tmp_path / "out", tmp_path / "no-such-suites")
    assert result.returncode == 252
    assert "pabot wrote no" in result.stderr
    assert "invalid test data or command line options" in result.stderr


def test_an_output_of_an_earlier_run_is_not_counted(tmp_path):
    run_suites("--outputdir", tmp_path / "out", suites(tmp_path, "No Operation"))
    result = run_suites("--outputdir", tmp_path / "out", tmp_path / "no-such-suites")
    assert result.returncode == 252
    assert "no tests were counted" in result.stderr


def test_a_summary_that_fails_fails_the_command(tmp_path, monkeypatch, capsys):
    sys.path.insert(0, str(RUNNER.parent))
    try:
        import run_suites as runner
    finally:
        sys.path.remove(str(RUNNER.parent))

    def broken_summary(output):
        raise KeyError("totals")

    monkeypatch.setattr(runner, "summarize", broken_summary)
    status = runner.main(["--outputdir", str(tmp_path / "out"), str(suites(tmp_path, "No Operation"))])
    assert status != 0
    assert "the run summary could not be written: KeyError" in capsys.readouterr().err
