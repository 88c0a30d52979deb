"""pabot --shard i/n over one selection, merged with rebot: every test of the selection exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from robot.api import ExecutionResult

from tests.services.helpers import processes_of_run, run_ids

BIN = Path(sys.executable).parent
SUITES = Path(__file__).resolve().parents[2] / "suites"
SELECTION = ["--include", "redis"]
SHARDS = 2


def run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=environment, capture_output=True, text=True, timeout=300
    )


@pytest.mark.timeout(600)
def test_shards_merged_with_rebot_hold_every_selected_test_once(tmp_path):
    outputs = []
    for index in range(1, SHARDS + 1):
        directory = tmp_path / f"shard-{index}"
        directory.mkdir()
        done = run(
            [BIN / "pabot", "--pabotlibport", "0", "--shard", f"{index}/{SHARDS}", "--processes", "2", *SELECTION,
             "--outputdir", directory, SUITES],
            cwd=directory,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        outputs.append(directory / "output.xml")
    merged = tmp_path / "merged"
    done = run([BIN / "rebot", "--name", "Suites", "--outputdir", merged, "--output", "output.xml", *outputs], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    dry = run([BIN / "robot", "--dryrun", *SELECTION, "--output", tmp_path / "dry.xml", "--log", "NONE",
               "--report", "NONE", "--console", "none", SUITES], tmp_path)  # fmt: skip
    assert dry.returncode == 0, dry.stdout + dry.stderr

    shard_tests = [_tests(output) for output in outputs]
    merged_tests = Counter(_tests(merged / "output.xml", levels=2))
    expected = _tests(tmp_path / "dry.xml")
    assert all(shard_tests), "every shard should run some of the selection"
    assert not set(shard_tests[0]) & set(shard_tests[1])
    assert sorted(merged_tests.elements()) == sorted(expected)
    assert set(merged_tests.values()) == {1}

    summary = run([sys.executable, "-m", "libraries.summary", merged / "output.xml"], tmp_path)
    assert summary.returncode == 0, summary.stdout + summary.stderr
    figures = json.loads((merged / "summary.json").read_text())
    assert figures["totals"]["tests"] == len(expected)
    assert figures["areas"]["redis"]["pass"] == len(expected)
    assert figures["services"]["Redis"].split()[0][0].isdigit(), figures["services"]
    assert set(figures["services"]) == {"Redis"}, "a Redis selection uses, and reports, Redis alone"

    for output in outputs:
        for run_id in run_ids(output.parent):
            assert processes_of_run(run_id) == []
    assert _processes_mentioning(tmp_path) == []


def _tests(output: Path, levels: int = 1) -> list[str]:
    """Full test names below the run's root suite (a rebot merge puts each shard's root under a new top suite)."""
    return [test.full_name.split(".", levels)[levels] for test in ExecutionResult(str(output)).suite.all_tests]


def _processes_mentioning(directory: Path) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and proc.name != str(os.getpid()):
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(directory) in command:
                found.append(command)
    return found
