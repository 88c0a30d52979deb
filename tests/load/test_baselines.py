"""The regression rule (both margins, enough samples) and LOAD_BASELINE=update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from libraries.load import LoadLibrary
from libraries.load import baseline as baselines
from libraries.load.histogram import new_histogram
from libraries.load.keywords.baselines import BaselineKeywords
from libraries.load.result import LoadResult


def _result(latency_us: int, samples: int = 300) -> LoadResult:
    histogram = new_histogram()
    histogram.record_value(latency_us, samples)
    return LoadResult("agent runs", 4, samples, 60.0, samples, 0, 10.0, histogram)


def _baseline(tmp_path: Path, latency_us: int, samples: int = 300) -> baselines.Baseline:
    path = baselines.write(_result(latency_us, samples), tmp_path / "agent_runs.json", {"postgres": "16.14"})
    return baselines.load(path)


def test_worse_by_both_margins_is_a_regression(tmp_path: Path) -> None:
    verdict = baselines.judge(_result(200_000), _baseline(tmp_path, 100_000))  # 200 ms vs 100 ms
    assert verdict.regressed
    assert "p95 200.1 ms" in verdict.message  # 3 significant digits: 200 ms is recorded as 200.063
    assert "baseline's p95 100.0 ms" in verdict.message
    assert "+50 % (limit 150.0 ms)" in verdict.message
    assert "+20 ms (limit 120.0 ms)" in verdict.message


def test_worse_by_the_relative_margin_only_is_not(tmp_path: Path) -> None:
    verdict = baselines.judge(_result(18_000), _baseline(tmp_path, 10_000))  # +80 % but only +8 ms
    assert verdict.judged and not verdict.regressed


def test_worse_by_the_absolute_margin_only_is_not(tmp_path: Path) -> None:
    verdict = baselines.judge(_result(1_400_000), _baseline(tmp_path, 1_000_000))  # +400 ms but only +40 %
    assert verdict.judged and not verdict.regressed


def test_too_few_samples_are_not_judged(tmp_path: Path) -> None:
    small_now = baselines.judge(_result(900_000, samples=199), _baseline(tmp_path, 100_000))
    small_then = baselines.judge(_result(900_000), _baseline(tmp_path, 100_000, samples=50))
    assert not small_now.regressed and not small_now.judged
    assert not small_then.regressed and "fewer than min_samples=200" in small_then.message


def test_margins_and_minimum_are_settings(tmp_path: Path) -> None:
    verdict = baselines.judge(
        _result(130_000, samples=50),
        _baseline(tmp_path, 100_000, samples=50),
        relative_margin=0.2,
        absolute_margin_ms=5,
        min_samples=50,
    )
    assert verdict.regressed


def test_a_baseline_holds_figures_environment_and_histogram(tmp_path: Path) -> None:
    data = json.loads((_baseline(tmp_path, 100_000).path).read_text())
    assert data["samples"] == 300
    assert data["latency_ms"]["p95"] == pytest.approx(100.0, rel=1e-3)
    assert data["environment"]["servers"] == {"postgres": "16.14"}
    assert {"cores", "python", "platform"} <= set(data["environment"])
    assert baselines.load(tmp_path / "agent_runs.json").histogram.get_total_count() == 300


def test_update_writes_instead_of_checking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "fresh.json"
    monkeypatch.setenv("LOAD_BASELINE", "update")
    BaselineKeywords(LoadLibrary()).load_result_should_not_regress(_result(900_000), str(target))
    assert json.loads(target.read_text())["latency_ms"]["p95"] == pytest.approx(900.0, rel=1e-3)


def test_without_update_a_missing_baseline_fails_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOAD_BASELINE", raising=False)
    target = tmp_path / "missing.json"
    with pytest.raises(baselines.BaselineError, match="record one with LOAD_BASELINE=update"):
        BaselineKeywords(LoadLibrary()).load_result_should_not_regress(_result(900_000), str(target))
    assert not target.exists()


def test_a_wrong_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(baselines.BaselineError, match="LOAD_BASELINE must be 'update' or 'check'"):
        baselines.mode("always")
