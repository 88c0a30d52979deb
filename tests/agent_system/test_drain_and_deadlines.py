"""Between tests the library drains the runs a test left going; its default deadlines scale with the system."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from robot.api import logger

from libraries.agent_system import AgentSystemLibrary, deadlines
from libraries.agent_system.contract import AgentSystemAdapter, Capability, NotSupported, RunView
from libraries.agent_system.keywords.runs import RunKeywords
from libraries.common import WaitTimeout

REFERENCE_S = deadlines.ReferenceAdapter.expected_run_seconds


class Runs(AgentSystemAdapter):
    """Runs kept in a dict; ``cancel`` ends a run unless it is ``stubborn``; `drain` records its bound."""

    name = "a system"
    capabilities = frozenset({Capability.CANCEL})

    def __init__(self, statuses: dict[str, str], *, stubborn: tuple[str, ...] = (), run_s: float = REFERENCE_S):
        self.statuses = dict(statuses)
        self.stubborn = stubborn
        self.expected_run_seconds = run_s
        self.drained: list[tuple[list[str], float]] = []
        self.cancelled: list[str] = []

    def start(self, config): ...
    def stop(self): ...
    def submit(self, goal, *, provider, model, deadline_s=None): ...

    def run(self, run_id: str) -> RunView:
        return RunView(run_id, self.statuses[run_id])

    def cancel(self, run_id: str) -> None:
        self.cancelled.append(run_id)
        if run_id not in self.stubborn:
            self.statuses[run_id] = "cancelled"

    def drain(self, run_ids: list[str], timeout_s: float) -> list[str]:
        self.drained.append((list(run_ids), timeout_s))
        return super().drain(run_ids, 0)


class Uncancellable(Runs):
    capabilities = frozenset()

    def stored_statuses(self) -> dict[str, str]:
        raise NotSupported("no listing")


@pytest.fixture
def logged(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """What the library logged, by level."""
    written: dict[str, list[str]] = {"info": [], "warn": []}
    monkeypatch.setattr(logger, "info", lambda message, html=False, also_console=False: written["info"].append(message))
    monkeypatch.setattr(logger, "warn", lambda message, html=False: written["warn"].append(message))
    return written


def end_test(library: AgentSystemLibrary, *, passed: bool = True) -> None:
    assert library.between_tests in library.ROBOT_LIBRARY_LISTENER  # registered as Robot's listener
    library.between_tests.end_test(SimpleNamespace(name="A test"), SimpleNamespace(passed=passed))


def library_with(adapter: AgentSystemAdapter, *run_ids: str) -> AgentSystemLibrary:
    library = AgentSystemLibrary()
    library.adapter = adapter
    for run_id in run_ids:
        library.runs_of_test.add(adapter, run_id)
    return library


def test_runs_still_going_after_a_passed_test_are_cancelled_with_a_warning(logged) -> None:
    adapter = Runs({"r1": "succeeded", "r2": "running", "r3": "planning"})

    end_test(library_with(adapter, "r1", "r2", "r3"))

    assert adapter.cancelled == ["r2", "r3"]
    assert adapter.statuses == {"r1": "succeeded", "r2": "cancelled", "r3": "cancelled"}
    assert logged["warn"] == [
        "2 runs of this test still going 3s after its end, cancelled: r2, r3. A test should wait for the runs it "
        "submits, or cancel them."
    ]


def test_after_a_failed_test_the_cancel_is_logged_at_info(logged) -> None:
    adapter = Runs({"r1": "running"})

    end_test(library_with(adapter, "r1"), passed=False)

    assert adapter.statuses["r1"] == "cancelled"
    assert logged["warn"] == []
    assert logged["info"] == ["1 run of this test still going 3s after its end, cancelled: r1."]


def test_runs_that_cannot_be_stopped_are_warned_about_by_id(logged) -> None:
    adapter = Uncancellable({"r1": "running", "r2": "succeeded"})

    end_test(library_with(adapter, "r1", "r2"), passed=False)

    assert adapter.cancelled == []
    assert logged["warn"] == [
        "1 run of this test could not be stopped (a system cannot cancel runs): r1. The next test shares a system "
        "with them."
    ]


def test_a_cancel_that_does_not_end_the_run_is_warned_about(logged, monkeypatch) -> None:
    monkeypatch.setattr(deadlines, "DRAIN", timedelta(milliseconds=100))
    adapter = Runs({"r1": "running", "r2": "running"}, stubborn=("r2",))

    end_test(library_with(adapter, "r1", "r2"), passed=False)

    assert logged["info"] == ["1 run of this test still going 100ms after its end, cancelled: r1."]
    assert logged["warn"] == [
        "1 run of this test could not be stopped (they did not end after the cancel): r2. The next test shares a "
        "system with them."
    ]


def test_a_test_whose_runs_all_ended_drains_nothing(logged) -> None:
    adapter = Runs({"r1": "succeeded", "r2": "failed"})

    end_test(library_with(adapter, "r1", "r2"))

    assert adapter.drained == []
    assert logged == {"info": [], "warn": []}


def test_runs_of_a_system_stopped_since_are_not_drained(logged) -> None:
    stopped = Runs({"r1": "running"})
    library = library_with(stopped, "r1")
    library.adapter = Runs({"r2": "running"})  # the test restarted the system

    end_test(library)

    assert stopped.drained == [] and library.adapter.drained == []


def test_runs_of_the_suite_setup_are_left_to_the_suite(logged) -> None:
    adapter = Runs({"r1": "running"})
    library = library_with(adapter, "r1")

    library.between_tests.start_test(SimpleNamespace(name="A test"), None)
    end_test(library)

    assert adapter.drained == []


def test_a_drain_that_breaks_warns_and_never_fails_the_test(logged) -> None:
    adapter = Runs({})  # the run is unknown: reading it raises KeyError

    end_test(library_with(adapter, "r1"))

    assert logged["warn"] == ["The runs of test 'A test' could not be drained: 'r1'"]


def test_the_drain_bound_scales_with_the_system(logged) -> None:
    adapter = Runs({"r1": "running"}, run_s=REFERENCE_S * 4)

    end_test(library_with(adapter, "r1"))

    assert adapter.drained == [(["r1"], pytest.approx(deadlines.DRAIN.total_seconds() * 4))]


@pytest.mark.parametrize(
    ("run_s", "given", "expected"),
    [
        (REFERENCE_S, None, deadlines.RUN),
        (REFERENCE_S * 3, None, deadlines.RUN * 3),
        (REFERENCE_S / 10, None, deadlines.RUN),  # a faster system keeps the reference's
        (REFERENCE_S * 3, timedelta(seconds=5), timedelta(seconds=5)),  # a deadline given is kept
    ],
)
def test_only_default_deadlines_scale(run_s, given, expected) -> None:
    assert deadlines.deadline(given, deadlines.RUN, Runs({}, run_s=run_s)) == expected


def test_waiting_for_a_run_uses_the_scaled_default(monkeypatch) -> None:
    monkeypatch.setattr(deadlines, "RUN", timedelta(milliseconds=100))
    library = library_with(Runs({"r1": "running"}, run_s=REFERENCE_S * 3))

    with pytest.raises(WaitTimeout, match=r"did not finish within 300ms"):
        RunKeywords(library).wait_until_agent_run_finishes("r1")
