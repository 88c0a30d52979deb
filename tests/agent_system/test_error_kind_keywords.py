"""`Get Agent Run Error Kind` and `Get Agent Run Error Status` on errors as data and on plain-text errors."""

from __future__ import annotations

import pytest
from assertionengine import AssertionOperator

from libraries.agent_system.contract import AgentSystemAdapter, RunError, RunView
from libraries.agent_system.library import AgentSystemLibrary


class FailedRuns(AgentSystemAdapter):
    name = "a system"

    def __init__(self, error: RunError | str) -> None:
        self.error = error

    def start(self, config): ...
    def stop(self): ...
    def submit(self, goal, *, provider, model, deadline_s=None): ...

    def run(self, run_id: str) -> RunView:
        return RunView(run_id, "failed", error=self.error)


def library_with(error: RunError | str) -> AgentSystemLibrary:
    library = AgentSystemLibrary()
    library.adapter = FailedRuns(error)
    return library


def test_the_kind_and_status_of_an_error_as_data_are_asserted() -> None:
    library = library_with(RunError("rate_limited", "gave up", "openai", 429))

    assert library.get_agent_run_error_kind("r1", AssertionOperator["=="], "rate_limited") == "rate_limited"
    assert library.get_agent_run_error_status("r1", AssertionOperator["=="], "429") == 429
    assert library.get_agent_run_error("r1") == "gave up"
    with pytest.raises(AssertionError, match="rate_limited"):
        library.get_agent_run_error_kind("r1", AssertionOperator["=="], "overloaded")


def test_a_plain_text_error_fails_a_kind_assertion_saying_the_adapter_reports_no_kind() -> None:
    library = library_with("OpenAI said no")

    with pytest.raises(AssertionError, match="the adapter reports no kind, only the text 'OpenAI said no'"):
        library.get_agent_run_error_kind("r1", AssertionOperator["=="], "bad_request")
    assert library.get_agent_run_error_kind("r1") == "unknown"
    assert library.get_agent_run_error("r1") == "OpenAI said no"
