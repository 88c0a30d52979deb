"""Robot runs of the orchestration suites: a bad AGENT_SYSTEM fails at once in one line, and no process of a
system under test outlives its run, also when the run is SIGKILLed."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from libraries.agent_system.contract import AgentSystemAdapter
from libraries.agent_system.selection import AdapterSelectionError, load_adapter
from libraries.services.lifecycle import REPOSITORY_ROOT

from ..orchestrator.harness import descendants, processes_with
from ..services.helpers import environment, robot_command, run, run_ids, wait_until

FLOW = REPOSITORY_ROOT / "suites" / "orchestration" / "flow.robot"
HELD_SUITE = """*** Settings ***
Resource          keywords/agent_system.resource
Suite Setup       Open Agent System Suite
Suite Teardown    Close Agent System Suite

*** Test Cases ***
Held Until Killed
    LLM Will Answer Slowly    60s
    ${run}    Submit Agent Run    Wait for the kill
    Wait Until Agent Run Finishes    ${run}    timeout=2 min
"""


def test_a_run_leaves_no_process_of_its_system_under_test(tmp_path: Path) -> None:
    done = run(robot_command("robot", tmp_path, FLOW, "--test", "Run Records Its Tokens And Cost"))

    assert done.returncode == 0, done.stdout
    (run_id,) = run_ids(tmp_path)
    assert not processes_with(f"ORCH_SCHEMA=rfq_{run_id}"), "a system under test outlived its run"


def test_an_unknown_adapter_fails_the_suite_setup_at_once_naming_the_setting(tmp_path: Path) -> None:
    started = time.monotonic()
    done = run(robot_command("robot", tmp_path, FLOW, "--variable", "AGENT_SYSTEM:no.such:Adapter"))

    assert done.returncode != 0
    assert time.monotonic() - started < 60
    assert "AGENT_SYSTEM: cannot load 'no.such:Adapter' (No module named 'no')." in done.stdout


def test_a_killed_run_takes_its_system_under_test_along(tmp_path: Path) -> None:
    suite = tmp_path / "held.robot"
    suite.write_text(HELD_SUITE)
    robot = subprocess.Popen(
        robot_command("robot", tmp_path / "out", suite),
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        system: set[int] = set()
        assert wait_until(lambda: system.update(_system_of(robot.pid)) or system, timeout=90), "it never started"
        robot.send_signal(signal.SIGKILL)
        robot.wait(timeout=10)
        assert wait_until(lambda: not system & set(processes_with("ORCH_SCHEMA=")), timeout=15), system
    finally:
        if robot.poll() is None:
            robot.kill()
            robot.wait()


def _system_of(robot_pid: int) -> set[int]:
    """The API and agent processes of the system under test started by `robot_pid` (empty until all are up)."""
    mine = descendants(robot_pid) & set(processes_with("ORCH_SCHEMA="))
    return mine if len(mine) >= 4 else set()  # system, API and two agents


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("nonsense", "AGENT_SYSTEM: 'nonsense' is neither a built-in adapter nor module:Class."),
        ("json:dumps", "AGENT_SYSTEM: 'json:dumps' is not an AgentSystemAdapter"),
        ("libraries.agent_system.contract:Nope", "AGENT_SYSTEM: cannot load 'libraries.agent_system.contract:Nope'"),
    ],
)
def test_bad_adapter_choices_name_the_setting(choice: str, message: str) -> None:
    with pytest.raises(AdapterSelectionError) as failure:
        load_adapter(choice)

    assert str(failure.value).startswith(message)
    assert str(failure.value).endswith("Use reference, langgraph, plain_sdk or package.module:ClassName.")


def test_the_default_adapter_is_the_reference_orchestrator() -> None:
    adapter = load_adapter(None)

    assert isinstance(adapter, AgentSystemAdapter)
    assert adapter.name == "the reference orchestrator"
