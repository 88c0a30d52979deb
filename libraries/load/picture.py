"""The latency histogram as a PNG (matplotlib, Agg backend), the baseline's drawn over it, and beside it the system's
resources over the time of the load when they were sampled.

matplotlib is imported inside `draw`, so runs that draw nothing never import it.
"""

from __future__ import annotations

import math
from pathlib import Path

from hdrh.histogram import HdrHistogram

from .histogram import buckets_ms, percentile_ms
from .resources import ResourceSeries

BINS = 40


def draw(
    histogram: HdrHistogram,
    path: Path,
    *,
    title: str,
    baseline: HdrHistogram | None = None,
    resources: ResourceSeries | None = None,
) -> Path:
    """Share of operations per latency bin (log scale), with p50/p95/p99 marked; ``baseline`` as an outline;
    ``resources`` as a second panel: memory and connections over time."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot, ticker

    edges = _edges([histogram, *([baseline] if baseline is not None else [])])
    panels = resources is not None and bool(resources.samples)
    figure, all_axes = pyplot.subplots(1, 2 if panels else 1, figsize=(15 if panels else 7.5, 3.6), dpi=100)
    axes = all_axes[0] if panels else all_axes
    try:
        if panels:
            _draw_resources(all_axes[1], resources)
        values, weights = _shares(histogram)
        axes.hist(values, bins=edges, weights=weights, color="#4c72b0", alpha=0.75, label="this run")
        if baseline is not None and baseline.get_total_count():
            values, weights = _shares(baseline)
            axes.hist(
                values, bins=edges, weights=weights, histtype="step", color="#dd8452", linewidth=2, label="baseline"
            )
        for percentile, style in ((50, ":"), (95, "--"), (99, "-.")):
            value = percentile_ms(histogram, percentile)
            if value > 0:
                axes.axvline(value, color="#333333", linestyle=style, linewidth=1, label=f"p{percentile} {value:g} ms")
        axes.set_xscale("log")
        axes.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        axes.xaxis.set_minor_formatter(ticker.NullFormatter())
        axes.set_xlabel("latency (ms)")
        axes.set_ylabel("share of operations (%)")
        axes.set_title(title, fontsize=10)
        axes.legend(fontsize=8)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="png")
    finally:
        pyplot.close(figure)
    return path


def _draw_resources(axes, resources: ResourceSeries) -> None:
    """The system's memory (sum of PSS, MiB) on the left axis, its PostgreSQL connections and pool limit on the
    right, against seconds since the load started."""
    times = [sample.at_s for sample in resources.samples]
    axes.plot(times, [sample.pss_mib for sample in resources.samples], color="#4c72b0", label="memory (PSS, MiB)")
    axes.set_xlabel("seconds since the load started")
    axes.set_ylabel("memory (MiB)")
    connections = axes.twinx()
    connections.step(
        times, [sample.connections for sample in resources.samples], where="post", color="#dd8452", label="connections"
    )
    if resources.pool_limit is not None:
        connections.axhline(resources.pool_limit, color="#c44e52", linestyle="--", linewidth=1, label="pool limit")
    connections.set_ylabel("PostgreSQL connections")
    connections.set_ylim(bottom=0)
    growth = resources.growth()
    axes.set_title(
        f"resources: peak {resources.peak_pss_mib:.0f} MiB, growth {growth.total_mib:+.1f} MiB, "
        f"peak {resources.peak_connections} connections",
        fontsize=10,
    )
    lines = axes.get_legend_handles_labels()
    more = connections.get_legend_handles_labels()
    axes.legend(lines[0] + more[0], lines[1] + more[1], fontsize=8, loc="lower right")


def _edges(histograms: list[HdrHistogram]) -> list[float]:
    values = [value for histogram in histograms for value, _ in buckets_ms(histogram)]
    low = max(min(values, default=0.001), 0.001)
    high = max(max(values, default=1.0), low * 1.5)
    step = (math.log10(high * 1.05) - math.log10(low * 0.95)) / BINS
    return [10 ** (math.log10(low * 0.95) + step * index) for index in range(BINS + 1)]


def _shares(histogram: HdrHistogram) -> tuple[list[float], list[float]]:
    """Bucket values and their weights in percent, for ``hist``."""
    total = histogram.get_total_count() or 1
    buckets = buckets_ms(histogram)
    return [value for value, _ in buckets], [count * 100 / total for _, count in buckets]
