"""The run summary of a plain robot run, and of a rebot merge through `python -m libraries.summary`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
STANDALONE = Path(__file__).resolve().parents[1] / "services" / "robot" / "standalone"

INIT = """\
*** Settings ***
Library           libraries.summary.RunSummary
Library           libraries.llm_library.LLMLibrary
Suite Setup       No Operation
"""

SUITE = """\
*** Settings ***
Library           libraries.summary.RunFacts


*** Test Cases ***
Cached Agent State
    [Tags]    redis
    Record Run Fact    llm    provider=openai    model=gpt-4o-mini    mode=emulator    calls=1    cost_usd=0.5
    Record Run Fact    llm    provider=openai    model=gpt-4o-mini    mode=emulator    calls=1    cost_usd=0.25

Broken Agent Run
    [Tags]    postgres
    Record Run Fact    faults    fault=latency    target=postgres    injected=2
    Fail    on purpose

Skipped Load Test
    [Tags]    load    redis
    Skip    not today

Untagged Check
    Record Run Fact    faults    fault=latency    target=postgres    injected=1
"""


def make_suites(directory: Path, names: list[str]) -> Path:
    suites = directory / "suites"
    suites.mkdir(parents=True)
    (suites / "__init__.robot").write_text(INIT)
    for name in names:
        (suites / f"{name}.robot").write_text(SUITE)
    return suites


def run(*command: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """With the virtualenv's tools first on PATH: pabot starts `robot` from PATH."""
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(part) for part in command], env=environment, capture_output=True, text=True, timeout=timeout
    )


def test_a_robot_run_writes_the_summary_files_console_and_report_metadata(tmp_path):
    suites = make_suites(tmp_path, ["agents"])
    done = run(BIN / "robot", "--outputdir", tmp_path / "out", "--console", "dotted", suites)

    assert done.returncode == 1, done.stdout + done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["totals"] == {"tests": 4, "pass": 2, "fail": 1, "skip": 1, "not_run": 0, **_elapsed(summary)}
    assert summary["areas"] == {
        "redis": {"tests": 2, "pass": 1, "fail": 0, "skip": 1, "not_run": 0},
        "postgres": {"tests": 1, "pass": 0, "fail": 1, "skip": 0, "not_run": 0},
        "load": {"tests": 1, "pass": 0, "fail": 0, "skip": 1, "not_run": 0},
        "other": {"tests": 1, "pass": 1, "fail": 0, "skip": 0, "not_run": 0},
    }
    assert len(summary["slowest"]) == 4
    assert summary["llm"]["by_model"] == [
        {"provider": "openai", "model": "gpt-4o-mini", "mode": "emulator", "calls": 2, "cost_usd": 0.75}
    ]
    assert summary["sections"] == {"faults": [{"fault": "latency", "target": "postgres", "injected": 3}]}
    assert set(summary["services"]) == {"LLM endpoint", "openai SDK", "anthropic SDK"}
    assert "Run summary: 4 tests, 2 passed, 1 failed, 1 skipped" in done.stdout
    assert "| postgres | 0 | 1 | 0 |" in (tmp_path / "out" / "summary.md").read_text()
    assert "Run Summary" in (tmp_path / "out" / "report.html").read_text()


def test_a_rebot_merge_of_two_runs_sums_both_and_exits_with_the_failures(tmp_path):
    first = make_suites(tmp_path / "first", ["agents"])
    second = make_suites(tmp_path / "second", ["agents"])
    for suites, name in ((first, "first"), (second, "second")):
        run(BIN / "robot", "--outputdir", tmp_path / name, "--log", "NONE", "--report", "NONE", suites)
    merged = tmp_path / "merged"
    run(BIN / "rebot", "--name", "Suites", "--outputdir", merged, "--output", "output.xml", "--log", "NONE",
        "--report", "NONE", tmp_path / "first" / "output.xml", tmp_path / "second" / "output.xml")  # fmt: skip

    done = run(sys.executable, "-m", "libraries.summary", merged / "output.xml")

    assert done.returncode == 2, done.stdout + done.stderr
    summary = json.loads((merged / "summary.json").read_text())
    assert summary["totals"]["tests"] == 8
    assert {row["test"].split(".")[0] for row in summary["slowest"]} == {"Agents"}
    assert summary["llm"]["total"]["calls"] == 4
    assert summary["sections"]["faults"] == [{"fault": "latency", "target": "postgres", "injected": 6}]
    assert "Run Summary" in (merged / "report.html").read_text()
    assert (merged / "log.html").exists()


def test_an_unreadable_output_exits_252(tmp_path):
    (tmp_path / "output.xml").write_text("<robot>")
    done = run(sys.executable, "-m", "libraries.summary", tmp_path / "output.xml")
    assert done.returncode == 252
    assert "Cannot read" in done.stderr


def _elapsed(summary: dict) -> dict:
    return {"elapsed_s": summary["totals"]["elapsed_s"]}


def test_a_process_that_never_loaded_the_llm_library_reports_no_llm_endpoint(monkeypatch):
    from libraries.summary import services

    monkeypatch.delitem(sys.modules, "libraries.llm_library", raising=False)
    assert services.describe_llm() == {}


def test_a_pabot_run_reports_the_services_of_all_its_processes(tmp_path):
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "__init__.robot").write_text(
        "*** Settings ***\nResource    keywords/services.resource\nLibrary    libraries.summary.RunSummary\n"
        "Suite Setup    Set Up Run Services\nSuite Teardown    Tear Down Run Services\n"
    )
    for area in ("redis", "postgres"):
        shutil.copy(STANDALONE / f"{area}_alone.robot", suites)
    done = run(
        BIN / "pabot", "--pabotlibport", "0", "--processes", "2", "--outputdir", tmp_path / "out", suites, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:]

    done = run(sys.executable, "-m", "libraries.summary", tmp_path / "out" / "output.xml")

    assert done.returncode == 0, done.stdout + done.stderr
    described = json.loads((tmp_path / "out" / "summary.json").read_text())["services"]
    assert set(described) == {"PostgreSQL", "Redis"}, described
