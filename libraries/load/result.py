"""What one load run measured, how it is shown in the log, and the file it leaves for merging."""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdrh.histogram import HdrHistogram

from .histogram import decode, encode, figures_ms, merge, percentile_ms
from .resources import ResourceSeries

RESULT_DIRECTORY = "load"


@dataclass
class LoadResult:
    """The figures of one closed-model load run of a scenario."""

    scenario: str
    concurrency: int
    planned: int
    time_bound_s: float
    count: int
    errors: int
    elapsed_s: float
    histogram: HdrHistogram
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    stopped_by_time_bound: bool = False
    stuck_workers: int = 0
    peak_in_flight: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    resources: ResourceSeries | None = None
    """What the system under test held while the load ran (agent runs of an adapter that lists its processes)."""
    system: str | None = None
    """The key of the system under test (``reference``, ``langgraph`` ...) for a scenario that drives one: its
    baselines are kept per system. None: the scenario does not depend on it (Redis, PostgreSQL)."""

    @property
    def samples(self) -> int:
        """Successful operations: the values in the histogram."""
        return self.histogram.get_total_count()

    @property
    def throughput(self) -> float:
        """Successful operations per second of the run."""
        return self.samples / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def error_rate(self) -> float:
        """Failed operations as a fraction of the operations that ran (0 to 1)."""
        return self.errors / self.count if self.count else 0.0

    @property
    def complete(self) -> bool:
        return self.count >= self.planned and not self.stuck_workers

    def percentile_ms(self, percentile: float) -> float:
        return percentile_ms(self.histogram, percentile)

    def figures(self) -> dict[str, Any]:
        """Every figure as plain numbers (milliseconds, operations per second, a 0..1 error rate)."""
        return {
            "scenario": self.scenario,
            "concurrency": self.concurrency,
            "planned": self.planned,
            "operations": self.count,
            "samples": self.samples,
            "errors": self.errors,
            "error_rate": round(self.error_rate, 6),
            "throughput_per_s": round(self.throughput, 3),
            "elapsed_s": round(self.elapsed_s, 3),
            "latency_ms": figures_ms(self.histogram),
            **self.extra,
        }

    def __str__(self) -> str:
        latency = ", ".join(f"{name} {value:g} ms" for name, value in figures_ms(self.histogram).items())
        extra = "".join(f", {value} {name}" for name, value in self.extra.items())
        return (
            f"{self.scenario}: {self.count} of {self.planned} operations, {self.errors} errors, "
            f"{self.throughput:.1f}/s, {latency}{extra}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            **self.figures(),
            "time_bound_s": self.time_bound_s,
            "stopped_by_time_bound": self.stopped_by_time_bound,
            "error_kinds": self.error_kinds,
            "extra": self.extra,
            "environment": self.environment,
            **({"system": self.system} if self.system is not None else {}),
            "histogram": encode(self.histogram),
            **({"resources": self.resources.to_json()} if self.resources is not None else {}),
        }


def summary_table(result: LoadResult) -> str:
    """One HTML table of the result; every value is escaped."""
    figures = figures_ms(result.histogram)
    rows = [
        ("Scenario", result.scenario),
        ("Concurrency", f"{result.concurrency} in flight (peak {result.peak_in_flight})"),
        ("Operations", f"{result.count} of {result.planned}" + (" (stopped by the time bound)" * _stopped(result))),
        ("Errors", f"{result.errors} ({result.error_rate:.2%})" + _kinds(result.error_kinds)),
        ("Throughput", f"{result.throughput:.1f} successful operations/s over {result.elapsed_s:.2f} s"),
        ("Latency", ", ".join(f"{name} {value:g} ms" for name, value in figures.items())),
        *((name.capitalize(), str(value)) for name, value in result.extra.items()),
        *_resource_rows(result.resources),
        *(("Error", sample) for sample in result.error_samples),
    ]
    cells = "".join(f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>" for name, value in rows)
    return f'<table class="statistics">{cells}</table>'


def _resource_rows(resources: ResourceSeries | None) -> list[tuple[str, str]]:
    if resources is None:
        return []
    growth = resources.growth()
    limit = f" of a pool limit of {resources.pool_limit}" if resources.pool_limit is not None else ""
    return [
        (
            "Memory",
            f"peak {resources.peak_pss_mib:.1f} MiB PSS in all, largest process RSS {resources.peak_rss_mib:.1f} MiB",
        ),
        (
            "Peak memory per process",
            ", ".join(
                f"{label} {rss:.1f} MiB RSS / {pss:.1f} MiB PSS"
                for label, (rss, pss) in resources.peak_by_process().items()
            ),
        ),
        (
            "Memory growth",
            f"{growth.total_mib:+.1f} MiB (first half {growth.first_half_mib:+.1f}, second half "
            f"{growth.second_half_mib:+.1f}) over {len(resources.samples)} samples",
        ),
        ("Connections", f"peak {resources.peak_connections}{limit} (max_connections {resources.max_connections})"),
    ]


def _stopped(result: LoadResult) -> bool:
    return result.stopped_by_time_bound or bool(result.stuck_workers)


def _kinds(kinds: dict[str, int]) -> str:
    return ": " + ", ".join(f"{name} {count}" for name, count in sorted(kinds.items())) if kinds else ""


def save(result: LoadResult, output_dir: str | Path, label: str) -> Path:
    """Writes the result with its encoded histogram to ``<output_dir>/load/<label>-<pid>-<n>.json``."""
    directory = Path(output_dir) / RESULT_DIRECTORY
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{slug(label)}-{os.getpid()}"
    number = 1
    while (path := directory / f"{stem}-{number}.json").exists():
        number += 1
    path.write_text(json.dumps(result.to_json(), indent=2, sort_keys=True))
    return path


def merge_files(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Result files (of several pabot processes or CI shards) merged per scenario: exact percentiles."""
    merged: dict[str, dict[str, Any]] = {}
    histograms: dict[str, list[HdrHistogram]] = {}
    for path in paths:
        data = json.loads(Path(path).read_text())
        scenario = data["scenario"]
        total = merged.setdefault(scenario, {"scenario": scenario, "files": 0, "operations": 0, "errors": 0})
        total["files"] += 1
        total["operations"] += data["operations"]
        total["errors"] += data["errors"]
        histograms.setdefault(scenario, []).append(decode(data["histogram"]))
    for scenario, total in merged.items():
        histogram = merge(histograms[scenario])
        total["samples"] = histogram.get_total_count()
        total["latency_ms"] = figures_ms(histogram)
        total["histogram"] = encode(histogram)
    return merged


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "load"
