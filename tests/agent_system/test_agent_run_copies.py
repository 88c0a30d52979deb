"""Robot runs of the consistency suite: the comparison of a run's copies fails with a table of the fields that
differ, and the waiting form logs the disagreement it saw before the system repaired it."""

from __future__ import annotations

from pathlib import Path

from robot.api import ExecutionResult

from libraries.services.lifecycle import REPOSITORY_ROOT

from ..services.helpers import robot_command, run

CONSISTENCY = REPOSITORY_ROOT / "suites" / "orchestration" / "consistency.robot"
REPAIRED = "A Corrupted Cached Status Is Caught And Repaired"


def _messages(item, keyword: str, inside: bool = False) -> list[str]:
    found = []
    for child in getattr(item, "body", []):
        if getattr(child, "type", "") == "MESSAGE":
            if inside:
                found.append(child.message)
        else:
            named = getattr(child, "type", "") == "KEYWORD" and child.name == keyword
            found += _messages(child, keyword, inside or named)
    return found


def test_a_repaired_cached_status_is_caught_and_its_repair_shows_in_the_log(tmp_path: Path) -> None:
    done = run(robot_command("robot", tmp_path, CONSISTENCY, "--test", REPAIRED), timeout=300)

    assert done.returncode == 0, done.stdout
    (test,) = ExecutionResult(str(tmp_path / "output.xml")).suite.all_tests
    failure = "\n".join(_messages(test, "Agent Run Should Agree Across Services Now"))
    waited = [
        message
        for message in _messages(test, "Agent Run State Should Agree Across Services")
        if not message.startswith("HTTP Request:")  # the HTTP client's own log lines
    ]
    assert "disagrees across services in 1 of 5 fields" in failure
    assert "| status " in failure and "| running " in failure, failure
    assert waited[0].startswith("Disagreement seen after"), waited
    assert "<td>status &#8800;</td><td>succeeded</td><td>running</td>" in waited[0]
    assert "agree on 1 run(s)" in waited[-1]
