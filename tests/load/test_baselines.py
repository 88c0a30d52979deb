"""The regression rule (both margins, enough samples) and LOAD_BASELINE=update."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from robot.api.exceptions import SkipExecution

from examples.langgraph.adapter import LangGraphAdapter
from libraries.agent_system.reference import ReferenceAdapter
from libraries.agent_system.selection import system_key
from libraries.load import LoadLibrary
from libraries.load import baseline as baselines
from libraries.load.histogram import new_histogram
from libraries.load.keywords import baselines as baseline_keywords
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


def _system_result(system: str, latency_us: int, samples: int = 40) -> LoadResult:
    result = _result(latency_us, samples)
    result.system = system
    return result


def _resources_tree() -> dict[str, float]:
    root = baselines.BASELINE_DIRECTORY.parent
    return {str(path.relative_to(root)): path.stat().st_mtime for path in root.rglob("*")}


def test_a_system_without_a_baseline_is_skipped_and_its_result_kept_in_the_output_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOAD_BASELINE", raising=False)
    monkeypatch.setattr(baseline_keywords, "_output_dir", lambda: tmp_path / "results")
    monkeypatch.chdir(baselines.BASELINE_DIRECTORY.parents[1])
    before = _resources_tree()

    with pytest.raises(SkipExecution) as skipped:
        BaselineKeywords(LoadLibrary()).load_result_should_not_regress(
            _system_result("no_such_system", 300_000), "agent_runs"
        )

    recorded = tmp_path / "results" / "baselines" / "no_such_system" / "agent_runs.json"
    target = "resources/baselines/no_such_system"
    command = f"mkdir -p {target} && cp {recorded} {target}/agent_runs.json"
    assert str(skipped.value) == f"no baseline for no_such_system: recorded to {recorded}, adopt it with {command}"
    assert baselines.load(recorded).samples == 40
    assert _resources_tree() == before


def test_the_adopt_command_copies_the_recorded_result_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    recorded = baselines.write(_result(300_000), tmp_path / "results" / "agent_runs.json")
    target = tmp_path / "resources" / "baselines" / "my_system" / "agent_runs.json"
    command = baselines.not_recorded("my_system", recorded, target).split(", adopt it with ", 1)[1]

    subprocess.run(command, shell=True, check=True, cwd=tmp_path)  # the command as a user pastes it

    assert command.startswith("mkdir -p resources/baselines/my_system && cp ")
    assert target.read_text() == recorded.read_text()


def test_a_system_with_a_baseline_is_compared_with_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOAD_BASELINE", raising=False)
    committed = baselines.BASELINE_DIRECTORY / "reference" / "agent_runs.json"
    check = BaselineKeywords(LoadLibrary()).load_result_should_not_regress

    with pytest.raises(AssertionError, match=rf"Load regression in 'agent runs'.*\({re.escape(str(committed))}\)"):
        check(_system_result("reference", 30_000_000), "agent_runs", min_samples=40, picture=False)
    check(_system_result("reference", 100_000), "agent_runs", min_samples=40, picture=False)


def test_results_that_do_not_depend_on_the_system_keep_the_kit_wide_baselines() -> None:
    assert baselines.path_of("redis_set_get") == baselines.BASELINE_DIRECTORY / "redis_set_get.json"
    assert baselines.path_of("agent_runs", system="langgraph") == (
        baselines.BASELINE_DIRECTORY / "langgraph" / "agent_runs.json"
    )
    assert baselines.path_of("/tmp/x.json", system="langgraph") == Path("/tmp/x.json")


def test_a_system_is_keyed_by_its_built_in_name_else_by_its_adapter_class() -> None:
    assert system_key(ReferenceAdapter()) == "reference"
    assert system_key(LangGraphAdapter()) == "langgraph"
    assert system_key(MySystemAdapter()) == "tests_load_test_baselines_mysystemadapter"


class MySystemAdapter(ReferenceAdapter):
    """An adapter of a team's own system, as ``AGENT_SYSTEM=tests.load.test_baselines:MySystemAdapter`` selects it."""
