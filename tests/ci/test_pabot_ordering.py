"""resources/pabot-ordering.txt, in pabot's ordering-file syntax, names only suites that exist, each once.

A suite it does not name still runs: pabot starts it after the listed ones, so a new suite folder needs no edit here
(list it when its place in the order matters: long suites first, small suites of an area grouped)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from robot import running

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
ORDERING = REPOSITORY_ROOT / "resources" / "pabot-ordering.txt"


def _suite_files(suite) -> list[str]:
    found = [suite.full_name] if suite.tests else []
    for child in suite.suites:
        found.extend(_suite_files(child))
    return found


def _listed() -> tuple[list[str], list[str]]:
    lines = [line.strip() for line in ORDERING.read_text().splitlines() if line.strip()]
    return lines, [line.removeprefix("--suite ") for line in lines if line.startswith("--suite ")]


def test_the_ordering_file_names_existing_suites_once_and_nothing_else():
    lines, listed = _listed()
    suites = _suite_files(running.TestSuiteBuilder().build(str(REPOSITORY_ROOT / "suites")))

    assert all(line in ("{", "}") or line.startswith("--suite ") for line in lines), "pabot reads no comments"
    assert len(listed) == len(set(listed)), "a suite is listed twice"
    gone = sorted(set(listed) - set(suites))
    assert not gone, f"resources/pabot-ordering.txt names suites that do not exist: {gone}"
    assert lines.count("{") == lines.count("}")


def test_a_suite_the_file_does_not_name_still_runs(tmp_path):
    suites = tmp_path / "suites"
    (suites / "listed").mkdir(parents=True)
    (suites / "new_area").mkdir()
    for path in (suites / "listed" / "known.robot", suites / "new_area" / "first.robot"):
        path.write_text("*** Test Cases ***\nAgent Run Works\n    No Operation\n")
    ordering = tmp_path / "ordering.txt"
    ordering.write_text("--suite Suites.Listed.Known\n")
    command = [Path(sys.executable).parent / "pabot", "--pabotlibport", "0", "--processes", "2", "--ordering",
               ordering, "--outputdir", tmp_path / "out", suites]  # fmt: skip
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [str(part) for part in command], env=environment, capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stdout[-2000:]
    assert "2 tests, 2 passed" in done.stdout
