"""A Robot run of the reference system: a run a passed test left going is cancelled before the next test starts,
with a warning in the test that left it."""

from __future__ import annotations

from pathlib import Path

from robot.api import ExecutionResult

from ..services.helpers import robot_command, run

LEAVING_SUITE = """*** Settings ***
Resource          keywords/agent_system.resource
Suite Setup       Open Agent System Suite
Suite Teardown    Close Agent System Suite

*** Test Cases ***
Leaves A Run Going
    LLM Will Answer Slowly    10s
    ${run}    Submit Agent Run    Wait for the drain
    VAR    ${LEFT}    ${run}    scope=SUITE

Finds It Ended
    Get Agent Run Status    ${LEFT}    ==    cancelled
"""


def test_a_run_left_going_is_cancelled_before_the_next_test(tmp_path: Path) -> None:
    suite = tmp_path / "leaving.robot"
    suite.write_text(LEAVING_SUITE)

    done = run(robot_command("robot", tmp_path / "out", suite))

    leaving, next_test = ExecutionResult(str(tmp_path / "out" / "output.xml")).suite.tests
    assert (leaving.status, next_test.status) == ("PASS", "PASS"), done.stdout
    warnings = [item.message for item in leaving.body if getattr(item, "level", None) == "WARN"]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("1 run of this test still going 3s after its end, cancelled: ")
