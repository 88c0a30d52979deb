"""The orchestration checks fail on what they exist to catch and tell the system's faults from the adapter's:
a run with no steps fails the exactly-once check, an unknown run is lost, an adapter that breaks is not a lost run."""

from __future__ import annotations

import pytest

from libraries.agent_system.contract import RunView, StepView
from libraries.agent_system.errors import AgentSystemError, RunNotFound
from libraries.agent_system.library import AgentSystemLibrary


class StubAdapter:
    """Answers `run` from a table: a RunView, or an exception to raise."""

    name = "stub"

    def __init__(self, runs: dict[str, RunView | Exception]) -> None:
        self.runs = runs

    def run(self, run_id: str) -> RunView:
        answer = self.runs[run_id]
        if isinstance(answer, Exception):
            raise answer
        return answer


def library_with(**runs: RunView | Exception) -> AgentSystemLibrary:
    library = AgentSystemLibrary()
    library.adapter = StubAdapter(runs)
    return library


def succeeded(run_id: str, *applied: int) -> RunView:
    steps = tuple(StepView(number, "succeeded", count) for number, count in enumerate(applied, 1))
    return RunView(run_id, "succeeded", result="done", steps=steps)


def test_steps_applied_once_pass() -> None:
    library = library_with(a=succeeded("a", 1, 1), b=succeeded("b", 1))

    assert library.run_keyword("Each Step Should Have Been Applied Once", ["a", "b"], {}) is None


def test_a_succeeded_run_with_zero_steps_fails_the_check_naming_the_run() -> None:
    library = library_with(a=succeeded("a", 1), empty=succeeded("empty"))

    with pytest.raises(AssertionError, match=r"1 of 2 succeeded run\(s\) have no steps: run empty$"):
        library.run_keyword("Each Step Should Have Been Applied Once", ["a", "empty"], {})


def test_a_run_that_failed_before_its_plan_may_have_no_steps() -> None:
    library = library_with(unplanned=RunView("unplanned", "failed", error="the plan is not JSON"))

    assert library.run_keyword("Each Step Should Have Been Applied Once", ["unplanned"], {}) is None


def test_no_run_at_all_fails_the_check() -> None:
    with pytest.raises(AssertionError, match="given no run to check"):
        library_with().run_keyword("Each Step Should Have Been Applied Once", [], {})


def test_a_step_applied_twice_fails_the_check() -> None:
    with pytest.raises(AssertionError, match=r"1 of 2 steps were not applied once: run a step 2 applied 2 times"):
        library_with(a=succeeded("a", 1, 2)).run_keyword("Each Step Should Have Been Applied Once", ["a"], {})


def test_finished_runs_are_not_lost() -> None:
    library = library_with(a=succeeded("a", 1), b=RunView("b", "failed", error="boom"))

    assert library.run_keyword("No Agent Run Should Be Lost", ["a", "b"], {}) is None


def test_unknown_and_unfinished_runs_are_lost() -> None:
    library = library_with(gone=RunNotFound("no run gone"), stuck=RunView("stuck", "running"))

    with pytest.raises(AssertionError, match=r"2 run\(s\) lost or unfinished: gone \(unknown to the system: no run"):
        library.run_keyword("No Agent Run Should Be Lost", ["gone", "stuck"], {})


def test_an_adapter_that_breaks_is_an_error_of_the_kit_not_a_lost_run() -> None:
    library = library_with(a=succeeded("a", 1), b=KeyError("stub table"), c=RuntimeError("socket closed"))

    with pytest.raises(AgentSystemError) as raised:
        library.run_keyword("No Agent Run Should Be Lost", ["a", "b", "c"], {})
    message = str(raised.value)
    assert "the adapter failed to read 2 run(s), an error of the kit or the adapter" in message
    assert "b (KeyError: 'stub table'); c (RuntimeError: socket closed)" in message
    assert "lost or unfinished" not in message


def test_lost_runs_and_adapter_errors_are_reported_apart() -> None:
    library = library_with(stuck=RunView("stuck", "running"), c=RuntimeError("socket closed"))

    with pytest.raises(AssertionError) as raised:
        library.run_keyword("No Agent Run Should Be Lost", ["stuck", "c"], {})
    lost, adapter = str(raised.value).split(". ", 1)
    assert lost == "1 run(s) lost or unfinished: stuck (running)"
    assert adapter.startswith("the adapter failed to read 1 run(s)") and "c (RuntimeError" in adapter
