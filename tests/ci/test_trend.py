"""The run history (`python -m libraries.summary OUTPUT.xml --history DIR`) and the trend across runs
(`python -m libraries.summary --trend`).

The history comes from real robot runs of a small suite in a scratch git repository, three runs on one commit. The
second run fails a test on purpose (``--variable CACHE_RESULT:miss``). Durations are made deterministic without
sleeping: after each run, before it is summarized, the test's recorded elapsed time in output.xml is rewritten (its
end time moves, its start stays), so ``Slowing Lookup`` takes 0.2 s, then 1.5 s and 1.6 s, and ``Steady Lookup``
about 1 s each time.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from robot.api import ExecutionResult

from libraries.summary import history
from libraries.summary.trend import Margins, analyze

BIN = Path(sys.executable).parent
RUNNER = Path(__file__).resolve().parents[2] / "scripts" / "run_suites.py"
SUITE = """\
*** Variables ***
${CACHE_RESULT}    hit


*** Test Cases ***
Steady Lookup
    No Operation

Flaky Lookup
    Should Be Equal    ${CACHE_RESULT}    hit    <i>stale</i> cache    values=False

Slowing Lookup
    No Operation

<b>bold</b>
    No Operation
"""
RUNS = [
    ("hit", {"Slowing Lookup": 0.2, "Steady Lookup": 1.0}),
    ("miss", {"Slowing Lookup": 1.5, "Steady Lookup": 1.05}),
    ("hit", {"Slowing Lookup": 1.6, "Steady Lookup": 0.95}),
]
GIT = ["git", "-c", "user.name=QA", "-c", "user.email=qa@example.invalid", "-c", "commit.gpgsign=false"]


def run(*command: str | Path, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    if cwd is not None:
        environment["GIT_CEILING_DIRECTORIES"] = str(cwd.parent)
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout
    )


def robot_run(project: Path, outputdir: Path, *options: str) -> Path:
    run(BIN / "robot", "--outputdir", outputdir, "--log", "NONE", "--report", "NONE", *options, project / "suites")
    return outputdir / "output.xml"


def set_durations(output: Path, seconds: dict[str, float]) -> None:
    result = ExecutionResult(str(output))
    for test in result.suite.all_tests:
        if test.name in seconds:
            test.elapsed_time = timedelta(seconds=seconds[test.name])
    result.save()


def summarize(output: Path, history_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    done = run(sys.executable, "-m", "libraries.summary", output, "--no-html", "--history", history_dir, cwd=cwd)
    assert "History:" in done.stdout, done.stdout + done.stderr
    return done


def trend(history_dir: Path, outputdir: Path, *options: str) -> str:
    done = run(sys.executable, "-m", "libraries.summary", "--trend", "--history", history_dir, "--outputdir",
               outputdir, *options)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return (outputdir / "trend.md").read_text(encoding="utf-8")


def section(markdown: str, title: str) -> str:
    return markdown.split(f"### {title}\n", 1)[1].split("\n### ", 1)[0]


def project_with_suite(directory: Path) -> Path:
    (directory / "suites").mkdir(parents=True)
    (directory / "suites" / "trend_demo.robot").write_text(SUITE)
    return directory


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Three runs of the suite on one commit, each added to ``results/history``."""
    project = project_with_suite(tmp_path_factory.mktemp("project"))
    for command in (["init", "-q"], ["add", "suites"], ["commit", "-q", "-m", "Trend demo"]):
        assert run(*GIT, *command, cwd=project).returncode == 0
    for number, (cache_result, seconds) in enumerate(RUNS, start=1):
        output = robot_run(project, project / f"run-{number}", "--variable", f"CACHE_RESULT:{cache_result}")
        set_durations(output, seconds)
        summarize(output, project / "results" / "history", cwd=project)
    return project


@pytest.fixture(scope="module")
def commit(project) -> str:
    return run("git", "rev-parse", "HEAD", cwd=project).stdout.strip()


@pytest.fixture(scope="module")
def report(project, tmp_path_factory) -> Path:
    """The trend of the three runs, with a minimum of 3 passed runs for the slowing check."""
    outputdir = tmp_path_factory.mktemp("trend")
    trend(project / "results" / "history", outputdir, "--min-samples", "3")
    return outputdir


def test_the_history_holds_each_run_with_its_commit_and_every_test(project, commit):
    files = sorted((project / "results" / "history").glob("*.json"))
    assert len(files) == 3
    assert all(re.fullmatch(rf"\d{{8}}T\d{{6}}\.\d{{3}}-{commit[:7]}\.json", path.name) for path in files), files
    entries = [json.loads(path.read_text()) for path in files]
    assert {entry["commit"] for entry in entries} == {commit}
    assert [entry["totals"]["fail"] for entry in entries] == [0, 1, 0]
    second = {test["name"]: test for test in entries[1]["tests"]}
    assert second["Trend Demo.Slowing Lookup"] == {
        "name": "Trend Demo.Slowing Lookup", "suite": "Trend Demo", "status": "PASS", "seconds": 1.5
    }  # fmt: skip
    assert second["Trend Demo.Flaky Lookup"]["message"] == "<i>stale</i> cache"
    assert all(entry["start"] and entry["wall_s"] >= 0 for entry in entries)


def test_the_trend_names_the_flaky_test_only(report):
    flaky = section((report / "trend.md").read_text(), "Flaky tests")
    assert "Flaky Lookup" in flaky
    assert "passed and failed on commit" in flaky
    assert "Steady Lookup" not in flaky
    assert "Slowing Lookup" not in flaky


def test_the_trend_names_the_slowing_test_only(report):
    slowing = section((report / "trend.md").read_text(), "Slowing tests")
    assert "Slowing Lookup" in slowing
    assert "Steady Lookup" not in slowing
    assert "Flaky Lookup" not in slowing


def test_each_run_of_the_trend_names_its_commit(report, commit):
    runs = section((report / "trend.md").read_text(), "Runs")
    assert [line.split(" | ")[1] for line in runs.splitlines() if line.startswith("| #")] == [commit[:7]] * 3


def test_trend_html_embeds_its_pictures_and_escapes_names_and_messages(report):
    page = (report / "trend.html").read_text()
    pictures = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(pictures) == 3
    assert all(base64.b64decode(picture).startswith(b"\x89PNG\r\n\x1a\n") for picture in pictures)
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>bold</b>" not in page
    assert "&lt;i&gt;stale&lt;/i&gt; cache" in page
    assert "<i>stale</i>" not in page


def test_with_fewer_passed_runs_than_the_minimum_no_test_is_slowing(project, tmp_path):
    slowing = section(trend(project / "results" / "history", tmp_path), "Slowing tests")
    assert "at least 6 passed runs" in slowing
    assert "Slowing Lookup" not in slowing


def test_last_limits_the_trend_to_the_latest_runs(project, tmp_path):
    markdown = trend(project / "results" / "history", tmp_path, "--last", "1")
    assert len([line for line in section(markdown, "Runs").splitlines() if line.startswith("| #")]) == 1
    assert "Flaky Lookup" not in section(markdown, "Flaky tests")


def test_a_run_outside_a_git_repository_is_recorded_with_an_unknown_commit(tmp_path):
    scratch = project_with_suite(tmp_path / "scratch")
    summarize(robot_run(scratch, scratch / "out"), scratch / "history", cwd=scratch)

    (path,) = (scratch / "history").glob("*.json")
    assert path.name.endswith("-unknown.json")
    assert json.loads(path.read_text())["commit"] == "unknown"
    assert "| #1 | unknown |" in trend(scratch / "history", tmp_path / "trend")


def test_without_git_the_commit_is_unknown(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert history.current_commit(tmp_path) == "unknown"


def test_the_trend_of_an_empty_history_exits_252(tmp_path):
    done = run(sys.executable, "-m", "libraries.summary", "--trend", "--history", tmp_path)
    assert done.returncode == 252
    assert "No runs in" in done.stderr


def test_the_readme_run_command_keeps_the_history(tmp_path):
    suites = project_with_suite(tmp_path / "scratch") / "suites"
    done = run(sys.executable, RUNNER, "--outputdir", tmp_path / "out", suites, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    (path,) = (tmp_path / "out" / "history").glob("*.json")
    assert json.loads(path.read_text())["totals"]["tests"] == 4


def entry(commit: str, *tests: tuple[str, str, float]) -> dict:
    return {
        "commit": commit,
        "start": "",
        "wall_s": 1.0,
        "totals": {"tests": len(tests), "pass": 0, "fail": 0, "skip": 0},
        "tests": [{"name": name, "suite": "S", "status": status, "seconds": secs} for name, status, secs in tests],
    }


def flaky_names(runs: list[dict]) -> list[str]:
    return [row["test"] for row in analyze(runs)["flaky"]]


def test_pass_fail_pass_on_three_commits_is_flaky():
    runs = [entry(commit, ("T", status, 1.0)) for commit, status in (("a", "PASS"), ("b", "FAIL"), ("c", "PASS"))]
    assert flaky_names(runs) == ["T"]


def test_a_test_that_failed_once_and_was_fixed_is_not_flaky():
    runs = [entry(commit, ("T", status, 1.0)) for commit, status in (("a", "FAIL"), ("b", "PASS"), ("c", "PASS"))]
    assert flaky_names(runs) == []


def test_runs_of_unknown_commits_are_not_taken_for_one_commit():
    runs = [entry("unknown", ("T", status, 1.0)) for status in ("FAIL", "PASS")]
    assert flaky_names(runs) == []


def test_skipped_results_do_not_make_a_test_flaky():
    runs = [entry(commit, ("T", status, 1.0)) for commit, status in (("a", "PASS"), ("a", "SKIP"), ("a", "PASS"))]
    assert flaky_names(runs) == []


@pytest.mark.parametrize(
    ("earlier", "recent", "slowing"),
    [(1.0, 2.0, True), (0.01, 0.1, False), (10.0, 10.6, False), (2.0, 1.0, False)],
    ids=["both-margins", "relative-only", "absolute-only", "faster"],
)
def test_a_slowing_test_is_slower_by_both_margins(earlier, recent, slowing):
    runs = [entry("a", ("T", "PASS", seconds)) for seconds in (earlier, earlier, earlier, recent, recent, recent)]
    found = analyze(runs, Margins(percent=40, seconds=0.5, min_samples=6))["slowing"]
    assert [row["test"] for row in found] == (["T"] if slowing else [])
