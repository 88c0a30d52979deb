"""Histograms of several processes merge exactly: the merged percentiles are those of all values in one."""

from __future__ import annotations

import json
import random
from pathlib import Path

from libraries.load.histogram import decode, encode, figures_ms, merge, new_histogram
from libraries.load.result import LoadResult, merge_files, save


def _histogram(values: list[int]):
    histogram = new_histogram()
    for value in values:
        histogram.record_value(value)
    return histogram


def test_encoded_histograms_merge_exactly() -> None:
    generator = random.Random(7)
    parts = [[generator.randint(50, 2_000_000) for _ in range(3000)] for _ in range(3)]
    everything = _histogram([value for part in parts for value in part])

    merged = merge(encode(_histogram(part)) for part in parts)

    assert merged.get_total_count() == 9000
    assert merged.equals(everything)
    for percentile in (50, 90, 95, 99, 99.9, 100):
        assert merged.get_value_at_percentile(percentile) == everything.get_value_at_percentile(percentile)


def test_a_histogram_survives_encoding() -> None:
    original = _histogram([120, 130, 5000, 80_000])
    assert decode(encode(original)).equals(original)


def test_result_files_of_several_processes_merge_per_scenario(tmp_path: Path) -> None:
    halves = ([100, 200, 300] * 100, [1000, 2000, 40_000] * 100)
    for number, values in enumerate(halves):
        result = LoadResult("redis set get", 4, 300, 10.0, 300, number, 1.0, _histogram(values))
        save(result, tmp_path / f"pabot_results/{number}", "redis set get-some test")
    files = sorted(tmp_path.glob("pabot_results/*/load/*.json"))

    merged = merge_files(files)["redis set get"]

    assert merged["files"] == 2
    assert merged["operations"] == 600
    assert merged["errors"] == 1
    assert merged["latency_ms"] == figures_ms(_histogram([*halves[0], *halves[1]]))
    assert json.loads(files[0].read_text())["samples"] == 300


def test_a_broken_encoding_is_named() -> None:
    try:
        decode("not a histogram")
    except ValueError as error:
        assert "Not an encoded HdrHistogram" in str(error)
    else:
        raise AssertionError("decode accepted garbage")
