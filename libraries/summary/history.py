"""The run history: one JSON file per run in a folder, for the trend report (`libraries.summary.trend`).

``python -m libraries.summary OUTPUT.xml --history DIR`` appends the run as ``DIR/<start>-<commit>.json``
(``20261204T101502.345-3f2a9c1.json``, so names sort in run order): the commit (``git rev-parse HEAD`` in the
current directory, ``unknown`` without git or a repository), the start time, the totals, the wall time and every
test's name, suite, status, duration and, when it did not pass, its message. Files are never rewritten; delete old
ones to forget them.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from robot.result import TestSuite

from .collect import _counts, _short_name

FORMAT = 1
UNKNOWN_COMMIT = "unknown"
MESSAGE_LIMIT = 300
GIT_TIMEOUT_S = 10


def record(suite: TestSuite, commit: str) -> dict[str, Any]:
    """The history entry of one run (a robot, pabot or rebot output)."""
    start, end = _span(suite)
    return {
        "format": FORMAT,
        "name": suite.name,
        "commit": commit,
        "start": start.isoformat(timespec="milliseconds"),
        "wall_s": round((end - start).total_seconds(), 3),
        "totals": _counts(list(suite.all_tests)),
        "tests": [_test(test, suite) for test in suite.all_tests],
    }


def append(suite: TestSuite, directory: Path | str, cwd: Path | str | None = None) -> Path:
    """Writes the run's entry as a new file in ``directory`` and returns its path; the commit is asked in ``cwd``."""
    entry = record(suite, current_commit(cwd))
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.fromisoformat(entry['start']):%Y%m%dT%H%M%S.%f}"[:-3]
    stem = f"{stamp}-{entry['commit'][:7]}"
    text = json.dumps(entry, indent=1, ensure_ascii=False) + "\n"
    for attempt in range(1, 1000):
        path = folder / (f"{stem}.json" if attempt == 1 else f"{stem}-{attempt}.json")
        try:
            with path.open("x", encoding="utf-8") as file:
                file.write(text)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder} holds too many runs named {stem}")


def load(directory: Path | str) -> list[dict[str, Any]]:
    """Every readable run of the history, oldest first; files that are not history entries are left out."""
    runs = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(entry, dict) and entry.get("format") == FORMAT and isinstance(entry.get("tests"), list):
            runs.append({**entry, "file": path.name})
    return sorted(runs, key=lambda run: (run["start"], run["file"]))


def current_commit(cwd: Path | str | None = None) -> str:
    """``git rev-parse HEAD`` in ``cwd``, or ``unknown`` when git or a repository is missing."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return UNKNOWN_COMMIT
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else UNKNOWN_COMMIT


def _test(test, top: TestSuite) -> dict[str, Any]:
    entry = {
        "name": _short_name(test, top),
        "suite": _short_name(test.parent, top) if test.parent is not None else "",
        "status": test.status,
        "seconds": round(test.elapsed_time.total_seconds(), 3),
    }
    if test.status != "PASS" and test.message:
        entry["message"] = test.message[:MESSAGE_LIMIT]
    return entry


def _span(suite: TestSuite) -> tuple[datetime, datetime]:
    """Start and end of the run: the top suite's, or for a combination of shards (no times of its own) the span of
    its parts, so the wall time of shards that ran side by side is not their sum."""
    if suite.start_time and suite.end_time:
        return suite.start_time, suite.end_time
    parts = [part for part in (*suite.suites, *suite.tests) if part.start_time and part.end_time]
    if not parts:
        now = datetime.now()
        return now, now
    return min(part.start_time for part in parts), max(part.end_time for part in parts)
