"""The LLM calls of a system under test reach the kit: a fault a test scripts lands on the system's next call even
when the system names a model of its own, and the run summary counts the system's calls apart from the kit's."""

from __future__ import annotations

import json
from pathlib import Path

from ..services.helpers import robot_command, run

OWN_MODEL_ADAPTER = """
from libraries.agent_system.reference import ReferenceAdapter


class OwnModelAdapter(ReferenceAdapter):
    name = "a system that names its own model"

    def submit(self, goal, *, provider, model, deadline_s=None):
        return super().submit(goal, provider=provider, model="a-model-of-its-own", deadline_s=deadline_s)
"""

SUITE = """*** Settings ***
Resource          keywords/agent_system.resource
Library           libraries.summary.RunSummary
Suite Setup       Open Agent System Suite    workers=1
Suite Teardown    Close Agent System Suite

*** Test Cases ***
A Fault For The System Reaches Its Next Call
    LLM Will Fail    400    message=scripted for the system
    Ask LLM    The kit's own call, in the test's scope
    ${run}    Submit Agent Run    Summarise the notes
    Wait Until Agent Run Finishes    ${run}
    Get Agent Run Status    ${run}    ==    failed
"""


def test_the_summary_counts_the_system_s_llm_calls_apart_from_the_kit_s(tmp_path: Path) -> None:
    (tmp_path / "own_model.py").write_text(OWN_MODEL_ADAPTER)
    suite = tmp_path / "system_llm_calls.robot"
    suite.write_text(SUITE)
    options = ("--pythonpath", str(tmp_path), "--variable", "AGENT_SYSTEM:own_model:OwnModelAdapter")

    done = run(robot_command("robot", tmp_path / "out", suite, *options))

    assert done.returncode == 0, done.stdout
    llm = json.loads((tmp_path / "out" / "summary.json").read_text())["llm"]
    assert llm["total"]["calls"] == 1
    ((system_row),) = llm["system_under_test"]["by_model"]
    assert system_row["system"] == "a system that names its own model"
    assert (system_row["model"], system_row["calls"], system_row["faults"]) == ("a-model-of-its-own", 1, 1)
    assert "system under test: 1 calls" in done.stdout
