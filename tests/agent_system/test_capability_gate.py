"""A test tagged ``needs:<capability>`` that the system lacks is skipped before it scripts or submits anything."""

from __future__ import annotations

from pathlib import Path

from robot.api import ExecutionResult

from ..services.helpers import robot_command, run
from .counting_adapter import SUBMITTED_FILE

SUITE = """\
*** Settings ***
Resource          keywords/agent_system.resource
Suite Setup       Open Agent System Suite    workers=1
Suite Teardown    Close Agent System Suite

*** Test Cases ***
Needs Cancel
    [Tags]    needs:cancel
    ${run}    Submit Agent Run    Write a long essay
    Cancel Agent Run    ${run}

Needs Nothing
    ${run}    Submit Agent Run    Write a short note
    Run Should Succeed    ${run}
"""


def test_a_test_needing_a_missing_capability_skips_before_submitting_a_run(tmp_path: Path) -> None:
    suite = tmp_path / "gated.robot"
    suite.write_text(SUITE)
    submitted = tmp_path / "submitted.txt"
    env = {
        "AGENT_SYSTEM": "tests.agent_system.counting_adapter:ReferenceThatCannotCancel",
        SUBMITTED_FILE: str(submitted),
    }

    done = run(robot_command("robot", tmp_path / "out", suite), env=env, timeout=240)

    tests = {test.name: test for test in ExecutionResult(str(tmp_path / "out" / "output.xml")).suite.all_tests}
    assert tests["Needs Cancel"].status == "SKIP", done.stdout
    assert "lacks capability 'cancel'" in tests["Needs Cancel"].message
    assert tests["Needs Nothing"].status == "PASS", tests["Needs Nothing"].message
    assert len(submitted.read_text().split()) == 1, "only the ungated test submitted a run"
