"""The resource series and its checks on made-up samples; the sampler on this test's own process."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from libraries.agent_system.contract import SystemProcess
from libraries.common import wait_until
from libraries.load.errors import LoadSetupError
from libraries.load.histogram import new_histogram, record
from libraries.load.keywords.resources import ResourceKeywords, mebibytes
from libraries.load.picture import draw
from libraries.load.resources import ProcessMemory, ResourceSample, ResourceSampler, ResourceSeries
from libraries.load.result import LoadResult

CHECKS = ResourceKeywords(None)


def series(memory: list[float], connections: list[int] | None = None, pool_limit: int = 8) -> ResourceSeries:
    connections = connections or [2] * len(memory)
    samples = [
        ResourceSample(
            at_s=index * 0.25,
            processes=(ProcessMemory("agent", "agent 1", 1, rss_mib=mib * 1.5, pss_mib=mib),),
            backends={"idle": used},
        )
        for index, (mib, used) in enumerate(zip(memory, connections, strict=True))
    ]
    return ResourceSeries(samples, pool_limit=pool_limit, max_connections=100)


def result(resources: ResourceSeries | None, runs: int = 200) -> LoadResult:
    histogram = new_histogram()
    record(histogram, 5_000_000)
    return LoadResult("agent runs", 4, runs, 60, runs, 0, 10.0, histogram, resources=resources)


def test_growth_that_stops_in_the_first_half_levels_off() -> None:
    warm_up = [100, 104, 108, 110, 110, 110.5, 110, 110.4, 110.2, 110.3]
    growth = series(warm_up).growth()

    CHECKS.memory_growth_should_level_off(result(series(warm_up)))
    assert growth.first_half_mib > 2 >= growth.second_half_mib, growth


def test_steady_growth_does_not_level_off_and_the_message_names_both_halves() -> None:
    leak = [100 + index * 1.2 for index in range(20)]

    with pytest.raises(AssertionError) as failure:
        CHECKS.memory_growth_should_level_off(result(series(leak)))

    assert str(failure.value) == (
        "memory grew by 20.4 MiB over 200 runs and did not level off "
        "(first half +10.8 MiB, second half +9.6 MiB, margin 2 MiB)"
    )


def test_the_margin_is_an_argument() -> None:
    small_leak = [100 + index * 0.3 for index in range(20)]

    CHECKS.memory_growth_should_level_off(result(series(small_leak)), margin="5 MiB")
    with pytest.raises(AssertionError):
        CHECKS.memory_growth_should_level_off(result(series(small_leak)), margin="512 KiB")


def test_connections_above_the_pool_limit_fail_naming_peak_and_limit() -> None:
    CHECKS.connections_should_stay_below_pool_limit(result(series([100] * 4, [2, 8, 6, 3])))

    with pytest.raises(AssertionError, match=r"^9 of 8 connections in use: .* peaked at 9, above the pool limit of 8"):
        CHECKS.connections_should_stay_below_pool_limit(result(series([100] * 4, [2, 9, 6, 3])))


def test_peak_memory_is_the_largest_sum_of_pss() -> None:
    assert CHECKS.get_peak_memory_of_agent_system(result(series([100, 140.04, 120]))) == 140.0


def test_too_few_samples_are_no_verdict() -> None:
    with pytest.raises(LoadSetupError, match=r"Only 3 resource samples .* at least 8 are needed"):
        CHECKS.memory_growth_should_level_off(result(series([100.0, 130.0, 130.0])))


def test_a_result_without_samples_says_why() -> None:
    with pytest.raises(Exception, match="has no resource samples"):
        CHECKS.memory_growth_should_level_off(result(None))


@pytest.mark.parametrize(("text", "mib"), [("2", 2.0), ("2 MiB", 2.0), ("512 KiB", 0.5), ("1 GiB", 1024.0)])
def test_amounts_of_memory_take_units(text: str, mib: float) -> None:
    assert mebibytes(text) == mib


def test_the_picture_gains_a_resources_panel(tmp_path: Path) -> None:
    histogram = result(None).histogram
    alone = draw(histogram, tmp_path / "alone.png", title="t")
    both = draw(histogram, tmp_path / "both.png", title="t", resources=series([100, 110, 111, 111]))

    assert _png_width(both) == 2 * _png_width(alone)


def test_the_summary_figures_carry_peaks_growth_and_connections() -> None:
    figures = series([100, 104, 110, 110], [1, 5, 3, 2]).figures()

    assert figures == {
        "peak_pss_mib": 110.0,
        "peak_rss_mib": 165.0,
        "peak_rss_mib_by_process": "agent agent 1 (1) 165.0",
        "memory_growth_mib": 6.0,
        "peak_connections": 5,
        "pool_limit": 8,
    }


def test_the_sampler_samples_its_registry_until_stopped() -> None:
    me = SystemProcess("test", "pytest", os.getpid())
    sampler = ResourceSampler(lambda: [me], interval_s=0.02).start()

    wait_until(lambda: len(sampler.series.samples) >= 5, 10, message="the sampler took no samples")
    taken = sampler.stop()
    count = len(taken.samples)

    assert all(sample.processes[0].pid == os.getpid() for sample in taken.samples)
    assert 0 < taken.samples[-1].processes[0].pss_mib <= taken.samples[-1].processes[0].rss_mib
    assert sampler._thread is not None and not sampler._thread.is_alive()
    assert len(sampler.series.samples) == count


def _png_width(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]
