"""Trends over the last runs of the history (`libraries.summary.history`): pass rate, wall time, test durations,
flaky tests and slowing tests.

- **Flaky**: a test that passed and failed on the same commit, or that switched between pass and fail at least
  ``FLAKY_SWITCHES`` times over the window (pass, fail, pass). A test that broke once and stays broken, or failed
  once and was fixed, switched once and is not flaky. Skipped and not-run results are left out.
- **Slowing**: the test's passed durations in the window, in run order, split in an earlier and a recent half (the
  middle one left out when their count is odd); it is slowing when the recent median is above the earlier median
  by more than ``Margins.percent`` per cent **and** by more than ``Margins.seconds``, and it has at least
  ``Margins.min_samples`` passed durations. Both margins, because a 1 ms test that takes 3 ms is not a problem and
  a 60 s test that takes 60.6 s is noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import Any

from .history import UNKNOWN_COMMIT

DEFAULT_LAST = 20
FLAKY_SWITCHES = 2
SHORT_COMMIT = 7
DECIDED = ("PASS", "FAIL")


@dataclass(frozen=True)
class Margins:
    """When a test counts as slowing: all three must hold."""

    percent: float = 40.0
    seconds: float = 0.5
    min_samples: int = 6


def analyze(runs: list[dict[str, Any]], margins: Margins | None = None) -> dict[str, Any]:
    """The trend of ``runs`` (history entries, oldest first); ``margins`` default to `Margins`' defaults."""
    margins = margins or Margins()
    results = _results_by_test(runs)
    return {
        "runs": [_run_row(index, run) for index, run in enumerate(runs, start=1)],
        "flaky": sorted(
            (row for name, found in results.items() if (row := _flaky(name, found, runs))),
            key=lambda row: (-row["failed"], row["test"]),
        ),
        "slowing": sorted(
            (row for name, found in results.items() if (row := _slowing(name, found, margins))),
            key=lambda row: -row["change_s"],
        ),
        "durations": {name: [_seconds(result) for result in found] for name, found in results.items()},
        "margins": margins,
    }


def run_label(run: dict[str, Any], index: int) -> str:
    return f"#{index} {short_commit(run['commit'])}"


def short_commit(commit: str) -> str:
    return commit if commit == UNKNOWN_COMMIT else commit[:SHORT_COMMIT]


def sparkline(values: Iterable[float | None]) -> str:
    """One bar per value, from zero (``▁``) to the largest value (``█``); ``·`` where the test did not run."""
    values = list(values)
    highest = max((value for value in values if value is not None), default=None)
    if highest is None:
        return ""
    bars = "▁▂▃▄▅▆▇█"
    scale = highest or 1.0
    return "".join("·" if value is None else bars[round(value / scale * (len(bars) - 1))] for value in values)


def _results_by_test(runs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any] | None]]:
    """Test name -> its result in each run (None where it did not run); a name twice in one run keeps the first."""
    names = list(dict.fromkeys(test["name"] for run in runs for test in run["tests"]))
    table: dict[str, list[dict[str, Any] | None]] = {name: [None] * len(runs) for name in names}
    for index, run in enumerate(runs):
        for test in run["tests"]:
            if table[test["name"]][index] is None:
                table[test["name"]][index] = test
    return table


def _run_row(index: int, run: dict[str, Any]) -> dict[str, Any]:
    totals = run["totals"]
    decided = totals["pass"] + totals["fail"]
    return {
        "label": run_label(run, index),
        "commit": run["commit"],
        "start": run["start"],
        **{key: totals[key] for key in ("tests", "pass", "fail", "skip")},
        "pass_rate": round(100 * totals["pass"] / decided, 1) if decided else None,
        "wall_s": run["wall_s"],
    }


def _flaky(name: str, found: list[dict[str, Any] | None], runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    decided = [(run, result) for run, result in zip(runs, found, strict=True) if result and result["status"] in DECIDED]
    statuses = [result["status"] for _, result in decided]
    reasons = []
    by_commit: dict[str, set[str]] = {}
    for run, result in decided:
        if run["commit"] != UNKNOWN_COMMIT:
            by_commit.setdefault(run["commit"], set()).add(result["status"])
    for commit, seen in by_commit.items():
        if len(seen) == 2:
            reasons.append(f"passed and failed on commit {short_commit(commit)}")
    switches = sum(1 for before, after in pairwise(statuses) if before != after)
    if switches >= FLAKY_SWITCHES:
        reasons.append(f"switched between pass and fail {switches} times in {len(statuses)} runs")
    if not reasons:
        return None
    last_failure = next(result for _, result in reversed(decided) if result["status"] == "FAIL")
    return {
        "test": name,
        "passed": statuses.count("PASS"),
        "failed": statuses.count("FAIL"),
        "history": "".join("P" if status == "PASS" else "F" for status in statuses),
        "reasons": reasons,
        "last_status": statuses[-1],
        "last_failure": last_failure.get("message", ""),
    }


def _slowing(name: str, found: list[dict[str, Any] | None], margins: Margins) -> dict[str, Any] | None:
    samples = [result["seconds"] for result in found if result and result["status"] == "PASS"]
    if len(samples) < max(margins.min_samples, 2):
        return None
    half = len(samples) // 2
    earlier, recent = median(samples[:half]), median(samples[-half:])
    change = recent - earlier
    if change <= margins.seconds or recent <= earlier * (1 + margins.percent / 100):
        return None
    return {
        "test": name,
        "earlier_s": round(earlier, 3),
        "recent_s": round(recent, 3),
        "change_s": round(change, 3),
        "change_pct": round(100 * change / earlier, 1) if earlier else None,
        "samples": len(samples),
    }


def _seconds(result: dict[str, Any] | None) -> float | None:
    return None if result is None or result["status"] not in DECIDED else result["seconds"]
