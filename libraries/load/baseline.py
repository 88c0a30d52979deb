"""Baselines: a load result kept as JSON in ``resources/baselines/``, and the regression check against one.

A scenario that drives the system under test (``agent runs``) has its baselines per system, in
``resources/baselines/<system>/`` (``reference``, ``langgraph``, or the slug of an adapter's ``module:Class``); the
Redis and PostgreSQL scenarios do not depend on the system and keep theirs in ``resources/baselines/``.

A result regresses when its p95 is worse than the baseline's by more than the relative margin **and** by more
than the absolute margin, and it has at least ``min_samples`` samples (as has the baseline): on a shared 2-core
machine a small sample or a fast operation is mostly noise. Defaults: +50 %, +20 ms, 200 samples.

A baseline changes only when asked: ``LOAD_BASELINE=update`` (Robot variable or environment) makes the check write
the result as the new baseline instead of comparing.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hdrh.histogram import HdrHistogram

from .errors import BaselineError
from .histogram import decode, encode, figures_ms, percentile_ms
from .result import LoadResult, slug

SETTING = "LOAD_BASELINE"
MODES = ("check", "update")
DEFAULT_RELATIVE_MARGIN = 0.50
DEFAULT_ABSOLUTE_MARGIN_MS = 20.0
DEFAULT_MIN_SAMPLES = 200
BASELINE_DIRECTORY = Path(__file__).resolve().parents[2] / "resources" / "baselines"


class LoadRegression(AssertionError):
    ROBOT_SUPPRESS_NAME = True


@dataclass(frozen=True)
class Baseline:
    path: Path
    data: dict[str, Any]

    @property
    def histogram(self) -> HdrHistogram:
        return decode(self.data["histogram"])

    @property
    def samples(self) -> int:
        return int(self.data["samples"])

    @property
    def p95_ms(self) -> float:
        return float(self.data["latency_ms"]["p95"])


@dataclass(frozen=True)
class Verdict:
    regressed: bool
    judged: bool
    message: str


def mode(value: str | None) -> str:
    """``check`` (unset) or ``update``; anything else fails naming the setting."""
    chosen = (value or "check").strip().lower()
    if chosen not in MODES:
        raise BaselineError(f"{SETTING} must be 'update' or 'check' (unset means check), got '{value}'.")
    return chosen


def path_of(name: str, directory: Path | None = None, *, system: str | None = None) -> Path:
    """``agent_runs`` -> ``resources/baselines/agent_runs.json``, or ``resources/baselines/<system>/agent_runs.json``
    for a ``system``; a path ending in ``.json`` is taken as it is."""
    if name.endswith(".json"):
        return Path(name)
    base = directory or BASELINE_DIRECTORY
    return (base / system if system else base) / f"{slug(name)}.json"


def not_recorded(system: str, recorded: Path, baseline: Path) -> str:
    """Why a system's comparison is skipped: its result was recorded to ``recorded``, and how to adopt it."""
    command = f"mkdir -p {_shown(baseline.parent)} && cp {_shown(recorded)} {_shown(baseline)}"
    return f"no baseline for {system}: recorded to {recorded}, adopt it with {command}"


def _label(path: Path) -> str:
    """A baseline in messages: ``reference/agent_runs.json`` under ``resources/baselines/``, else its file name."""
    try:
        return str(path.resolve().relative_to(BASELINE_DIRECTORY))
    except ValueError:
        return path.name


def _shown(path: Path) -> str:
    """A path for a command to paste: relative to the working directory when inside it, quoted for the shell."""
    absolute = path.resolve()
    try:
        shown = str(absolute.relative_to(Path.cwd()))
    except ValueError:
        shown = str(absolute)
    return shlex.quote(shown)


def load(path: Path) -> Baseline:
    if not path.is_file():
        raise BaselineError(f"No baseline at {path}: record one with {SETTING}=update.")
    try:
        data = json.loads(path.read_text())
        baseline = Baseline(path, data)
        baseline.histogram, baseline.p95_ms, baseline.samples  # noqa: B018 - validates the file
    except (ValueError, KeyError, TypeError) as error:
        raise BaselineError(f"Baseline {path} is not a valid baseline file ({error}): record it again.") from None
    return baseline


def write(result: LoadResult, path: Path, servers: dict[str, str] | None = None) -> Path:
    """Writes ``result`` as the baseline at ``path`` (figures, samples, environment, encoded histogram)."""
    figures = result.figures()
    data = {
        "scenario": result.scenario,
        "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "concurrency": result.concurrency,
        "operations": result.count,
        "samples": result.samples,
        "errors": result.errors,
        "error_rate": figures["error_rate"],
        "throughput_per_s": figures["throughput_per_s"],
        "latency_ms": figures["latency_ms"],
        "environment": fingerprint({**result.environment, **(servers or {})}),
        "histogram": encode(result.histogram),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def fingerprint(servers: dict[str, Any]) -> dict[str, Any]:
    """Where a figure was measured: cores, Python, platform, and the server versions the scenario used."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "servers": {name: str(value) for name, value in sorted(servers.items())},
    }


def differences(baseline: Baseline, current: dict[str, Any]) -> list[str]:
    """What differs between the baseline's environment and ``current``'s (cores, Python, servers)."""
    recorded = baseline.data.get("environment", {})
    found = []
    for name in ("cores", "python", "platform"):
        if recorded.get(name) != current.get(name):
            found.append(f"{name} {recorded.get(name)} then, {current.get(name)} now")
    for name, version in current.get("servers", {}).items():
        then = recorded.get("servers", {}).get(name)
        if then != version:
            found.append(f"{name} {then} then, {version} now")
    return found


def judge(
    result: LoadResult,
    baseline: Baseline,
    *,
    relative_margin: float = DEFAULT_RELATIVE_MARGIN,
    absolute_margin_ms: float = DEFAULT_ABSOLUTE_MARGIN_MS,
    min_samples: int = DEFAULT_MIN_SAMPLES,
) -> Verdict:
    """Regressed only when p95 passes both margins over the baseline's p95 with enough samples on both sides."""
    p95 = percentile_ms(result.histogram, 95)
    base = baseline.p95_ms
    relative_limit = base * (1 + relative_margin)
    absolute_limit = base + absolute_margin_ms
    margins = (
        f"+{relative_margin * 100:g} % (limit {relative_limit:.1f} ms) and +{absolute_margin_ms:g} ms "
        f"(limit {absolute_limit:.1f} ms)"
    )
    compared = f"p95 {p95:.1f} ms against the baseline's p95 {base:.1f} ms ({_label(baseline.path)})"
    if result.samples < min_samples or baseline.samples < min_samples:
        return Verdict(
            False,
            False,
            f"Not judged: {result.samples} samples now and {baseline.samples} in the baseline, fewer than "
            f"min_samples={min_samples}; {compared}.",
        )
    if p95 > relative_limit and p95 > absolute_limit:
        return Verdict(
            True,
            True,
            f"Load regression in '{result.scenario}': p95 {p95:.1f} ms is worse than the baseline's p95 "
            f"{base:.1f} ms ({baseline.path}) by more than both margins, {margins}; {result.samples} samples.",
        )
    return Verdict(False, True, f"No regression: {compared}, within {margins}; {result.samples} samples.")


def baseline_figures(baseline: Baseline) -> dict[str, float]:
    return figures_ms(baseline.histogram)
