"""resources/pabot-ordering.txt names every suite of suites/ exactly once, in pabot's ordering-file syntax."""

from __future__ import annotations

from pathlib import Path

from robot import running

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
ORDERING = REPOSITORY_ROOT / "resources" / "pabot-ordering.txt"


def _suite_files(suite) -> list[str]:
    found = [suite.full_name] if suite.tests else []
    for child in suite.suites:
        found.extend(_suite_files(child))
    return found


def test_the_ordering_file_lists_every_suite_once_and_nothing_else():
    lines = [line.strip() for line in ORDERING.read_text().splitlines() if line.strip()]
    listed = [line.removeprefix("--suite ") for line in lines if line.startswith("--suite ")]
    suites = _suite_files(running.TestSuiteBuilder().build(str(REPOSITORY_ROOT / "suites")))

    assert all(line in ("{", "}") or line.startswith("--suite ") for line in lines), "pabot reads no comments"
    assert sorted(listed) == sorted(suites), "add new suites to resources/pabot-ordering.txt, remove gone ones"
    assert lines.count("{") == lines.count("}")
