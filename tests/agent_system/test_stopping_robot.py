"""Stopping `robot` never leaves a process of the system under test behind: after SIGTERM the suite teardown stops
what the adapter's registry (`processes()`) listed; after SIGKILL the run's supervisor or the next run's janitor does.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from libraries.services.lifecycle import runs_root, sweep_dead_runs
from libraries.services.supervisor import live_supervisors
from libraries.services.system_registry import RegisteredProcess, registries, stop_processes

from ..services.helpers import environment, robot_command, wait_until
from .leaky_system import RUN_ROLE

LEAKY = "tests.agent_system.leaky_system:LeakyReferenceAdapter"
SYSTEMS = [
    "reference",
    "langgraph",
    "plain_sdk",  # one process per run
    LEAKY,  # its stop() forgets a process per run: only the kit's registry stops it
]
HELD_SUITE = """*** Settings ***
Library           OperatingSystem
Resource          keywords/agent_system.resource
Suite Setup       Open Agent System Suite
Suite Teardown    Close Agent System Suite

*** Test Cases ***
Held Until Stopped
    LLM Will Answer Slowly    3s    times=${100}
    ${run}    Submit Agent Run    Wait for the signal
    Create File    ${READY_FILE}
    Wait Until Agent Run Finishes    ${run}    timeout=5 min
"""


class HeldRobot:
    """`robot` on a suite that starts the system, submits a run and waits for it.

    Every LLM answer of the run takes 3 s: the run lasts far longer than the test needs to send its signal, and an
    agent that finishes its step before it stops (the reference's warm parent gives them 10 s) ends soon.
    """

    def __init__(self, directory: Path, system: str) -> None:
        suite = directory / "held.robot"
        suite.write_text(HELD_SUITE)
        self.ready = directory / "ready"
        self.output = directory / "out" / "output.xml"
        command = robot_command("robot", directory / "out", suite, "--variable", f"READY_FILE:{self.ready}")
        self.listed: list[RegisteredProcess] = []
        self.process = subprocess.Popen(
            command,
            env=environment({"AGENT_SYSTEM": system}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_until_held(self) -> list[RegisteredProcess]:
        """The processes the registry lists once the run is submitted (the step after the submit has begun)."""
        assert wait_until(lambda: self.ready.exists() or self.process.poll() is not None, timeout=90), "never held"
        assert self.process.poll() is None, f"robot ended early with {self.process.returncode}"

        def registered() -> list[RegisteredProcess]:
            return [item for _, items in self.registries() for item in items]

        # A system that starts a process per run may start it a moment after the submit returned.
        wait_until(lambda: any(item.process.is_alive() for item in registered()), timeout=30)
        listed = registered()
        self.listed = listed
        assert listed and any(item.process.is_alive() for item in listed), listed
        return listed

    def registries(self) -> list[tuple[Path, list[RegisteredProcess]]]:
        """The registries this robot keeps, each with its run directory."""
        return [
            (run_dir, listed)
            for run_dir in runs_root().iterdir()
            for registry, listed in registries(run_dir)
            if registry.owner.pid == self.process.pid
        ]

    def stopped_by_signal(self) -> bool:
        """Whether Robot Framework stopped the run on a signal (and not because the held run ended first)."""
        return "Execution terminated by signal" in self.output.read_text()

    def stop(self) -> None:
        """Whatever the test saw: no robot and none of the processes it listed (a failed test leaves nothing)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        stop_processes([item.process for item in self.listed])


@pytest.fixture
def held(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[HeldRobot]:
    robot = HeldRobot(tmp_path, request.param)
    yield robot
    robot.stop()


def _alive(listed: list[RegisteredProcess]) -> list[RegisteredProcess]:
    return [item for item in listed if item.process.is_alive()]


@pytest.mark.parametrize("held", SYSTEMS, indirect=True)
def test_sigterm_to_robot_stops_every_registered_process(held: HeldRobot) -> None:
    listed = held.wait_until_held()

    held.process.send_signal(signal.SIGTERM)

    held.process.wait(timeout=60)
    assert held.stopped_by_signal()
    assert _alive(listed) == []


@pytest.mark.parametrize("held", [LEAKY], indirect=True)
def test_sigint_to_robot_stops_every_registered_process(held: HeldRobot) -> None:
    listed = held.wait_until_held()

    held.process.send_signal(signal.SIGINT)

    held.process.wait(timeout=60)
    assert held.stopped_by_signal()
    assert _alive(listed) == []


@pytest.mark.parametrize("held", SYSTEMS, indirect=True)
def test_after_sigkill_of_robot_and_its_supervisor_the_janitor_stops_every_registered_process(
    held: HeldRobot,
) -> None:
    listed = held.wait_until_held()
    (run_dir,) = {run_dir for run_dir, _ in held.registries()}
    supervisors = live_supervisors(run_dir)
    for supervisor in supervisors:  # stopped first: it would stop the system itself when robot dies
        os.kill(supervisor.pid, signal.SIGSTOP)

    held.process.send_signal(signal.SIGKILL)
    held.process.wait(timeout=10)
    for supervisor in supervisors:
        os.kill(supervisor.pid, signal.SIGKILL)
    assert wait_until(lambda: not any(supervisor.is_alive() for supervisor in supervisors), timeout=10)
    sweep_dead_runs()

    assert _alive(listed) == []


@pytest.mark.parametrize("held", [LEAKY], indirect=True)
def test_after_sigkill_of_robot_the_supervisor_stops_every_registered_process(held: HeldRobot) -> None:
    listed = held.wait_until_held()
    assert any(item.role == RUN_ROLE for item in listed)

    held.process.send_signal(signal.SIGKILL)
    held.process.wait(timeout=10)

    assert wait_until(lambda: not _alive(listed), timeout=15), _alive(listed)
