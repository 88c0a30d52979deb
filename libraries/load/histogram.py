"""Latency histograms: HdrHistogram in microseconds with 3 significant digits, mergeable across processes.

A histogram is encoded (``encode``: compressed, base64 text) into result files and baselines; `merge` decodes any
number of them and adds them up, so the percentiles of several pabot processes or CI shards are exact, not an
average of percentiles.
"""

from __future__ import annotations

from collections.abc import Iterable

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000  # one hour
SIGNIFICANT_DIGITS = 3
PERCENTILES = (50.0, 95.0, 99.0)


def new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)


def record(histogram: HdrHistogram, elapsed_ns: int) -> None:
    """Records one latency given in nanoseconds, clamped into the trackable range (1 µs .. 1 h)."""
    histogram.record_value(min(max(elapsed_ns // 1000, LOWEST_US), HIGHEST_US))


def encode(histogram: HdrHistogram) -> str:
    return histogram.encode().decode("ascii")


def decode(text: str) -> HdrHistogram:
    try:
        decoded = HdrHistogram.decode(text.encode("ascii"))
    except Exception as error:
        raise ValueError(f"Not an encoded HdrHistogram ({type(error).__name__}: {error}).") from None
    merged = new_histogram()
    merged.add(decoded)
    return merged


def merge(histograms: Iterable[HdrHistogram | str]) -> HdrHistogram:
    """One histogram holding every value of ``histograms`` (objects or encoded text), exactly."""
    merged = new_histogram()
    for histogram in histograms:
        merged.add(decode(histogram) if isinstance(histogram, str) else histogram)
    return merged


def percentile_ms(histogram: HdrHistogram, percentile: float) -> float:
    """The value at ``percentile`` in milliseconds (0 for an empty histogram)."""
    if histogram.get_total_count() == 0:
        return 0.0
    return histogram.get_value_at_percentile(percentile) / 1000


def max_ms(histogram: HdrHistogram) -> float:
    return histogram.get_max_value() / 1000 if histogram.get_total_count() else 0.0


def figures_ms(histogram: HdrHistogram) -> dict[str, float]:
    """p50, p95, p99 and max in milliseconds, rounded to the microsecond."""
    figures = {f"p{p:g}": round(percentile_ms(histogram, p), 3) for p in PERCENTILES}
    figures["max"] = round(max_ms(histogram), 3)
    return figures


def buckets_ms(histogram: HdrHistogram) -> list[tuple[float, int]]:
    """(latency in ms, count) for every recorded value bucket, in order: what a picture needs."""
    return [
        (step.value_iterated_to / 1000, step.count_added_in_this_iter_step)
        for step in histogram.get_recorded_iterator()
    ]
