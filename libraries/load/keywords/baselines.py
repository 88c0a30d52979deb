from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword
from robot.api.exceptions import SkipExecution
from robot.libraries.BuiltIn import BuiltIn

from libraries.common import LibraryComponent, setting

from .. import baseline as baselines
from ..histogram import figures_ms
from ..picture import draw
from ..result import LoadResult, slug


class BaselineKeywords(LibraryComponent[object]):
    """Comparing a load result with its baseline, and its picture in the log."""

    @keyword("Load Result Should Not Regress")
    def load_result_should_not_regress(
        self,
        result: LoadResult,
        baseline: str,
        *,
        relative_margin: str = "50 %",
        absolute_margin: timedelta = timedelta(milliseconds=baselines.DEFAULT_ABSOLUTE_MARGIN_MS),
        min_samples: int = baselines.DEFAULT_MIN_SAMPLES,
        picture: bool = True,
    ) -> None:
        """Fails when p95 is worse than the baseline's p95 by more than ``relative_margin`` and ``absolute_margin``.

        ``baseline`` names ``resources/baselines/<baseline>.json``, or for a result of the system under test
        (``agent runs``) ``resources/baselines/<system>/<baseline>.json`` (see `Baselines`); or it is a path
        ending in ``.json``. With fewer than ``min_samples`` samples in the result or the baseline nothing is
        judged (a warning says so). With ``LOAD_BASELINE=update`` the result is written as the new baseline
        instead. The log shows the latency histogram with the baseline's drawn over it (``picture=${False}``: not
        drawn).

        A system with no baseline of that name is not compared: the test is *skipped* with ``no baseline for
        <system>: recorded to <path>, adopt it with <command>``. The result is written as a baseline to
        ``${OUTPUT_DIR}/baselines/<system>/`` (never into ``resources/``), and the command copies it there.

        Example:
        | `Load Result Should Not Regress`    ${result}    agent_runs
        | `Load Result Should Not Regress`    ${result}    redis_set_get    relative_margin=30 %    absolute_margin=5 ms
        """
        path = baselines.path_of(baseline, system=result.system)
        if baselines.mode(setting(baselines.SETTING)) == "update":
            baselines.write(result, path)
            logger.warn(f"{baselines.SETTING}=update: baseline {path} written from this run ({result}).")
            return
        if result.system is not None and not baseline.endswith(".json") and not path.exists():
            kept = baselines.write(
                result, baselines.path_of(baseline, _output_dir() / "baselines", system=result.system)
            )
            raise SkipExecution(baselines.not_recorded(result.system, kept, path))
        recorded = baselines.load(path)
        for difference in baselines.differences(recorded, baselines.fingerprint(result.environment)):
            logger.info(f"Baseline {path.name} was measured elsewhere: {difference}.")
        verdict = baselines.judge(
            result,
            recorded,
            relative_margin=_fraction(relative_margin),
            absolute_margin_ms=absolute_margin.total_seconds() * 1000,
            min_samples=min_samples,
        )
        if picture:
            _log_picture(result, recorded.histogram, f"baseline {path.name}")
        if verdict.regressed:
            raise AssertionError(verdict.message)
        if not verdict.judged:
            logger.warn(verdict.message)
        else:
            logger.info(verdict.message)

    @keyword("Save Load Result As Baseline")
    def save_load_result_as_baseline(self, result: LoadResult, name: str) -> str:
        """Writes ``result`` as the baseline ``name`` in ``${OUTPUT_DIR}/baselines/`` and returns its path, for a
        comparison within this run (a reference load just before a fault, say). The baselines in
        ``resources/baselines/`` change only with ``LOAD_BASELINE=update``.

        Example:
        | ${reference} =    `Save Load Result As Baseline`    ${result}    agent_runs_at_rest
        | `Load Result Should Not Regress`    ${slow}    ${reference}
        """
        path = baselines.write(result, baselines.path_of(name, _output_dir() / "baselines"))
        logger.info(f"Baseline for this run written to {path} ({result}).")
        return str(path)

    @keyword("Log Load Histogram")
    def log_load_histogram(self, result: LoadResult, baseline: str | None = None) -> str:
        """Draws the latency histogram of ``result`` (and of ``baseline``, over it) as a PNG in the output
        directory, shows it in the log next to the figures, and returns its path.

        Example:
        | `Log Load Histogram`    ${result}
        | `Log Load Histogram`    ${result}    baseline=agent_runs
        """
        other = baselines.load(baselines.path_of(baseline, system=result.system)).histogram if baseline else None
        return str(_log_picture(result, other, f"baseline {baseline}" if baseline else None))


def _output_dir() -> Path:
    return Path(str(BuiltIn().get_variable_value("${OUTPUT_DIR}", ".")))


def _fraction(margin: str) -> float:
    """``50 %`` or ``0.5`` as 0.5; anything else fails naming relative_margin."""
    text = str(margin).strip()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"relative_margin must be a percentage such as 50 %, got '{margin}'.") from None


def _log_picture(result: LoadResult, baseline, baseline_label: str | None) -> Path:
    """The PNG goes straight into ${OUTPUT_DIR} (where pabot collects pictures) and is linked relatively."""
    output_dir = _output_dir()
    name = f"load-{slug(result.scenario)}"
    number = 1
    while (path := output_dir / f"{name}-{number}.png").exists():
        number += 1
    title = f"{result.scenario}: {result.samples} samples, {result.concurrency} in flight"
    draw(result.histogram, path, title=title, baseline=baseline, resources=result.resources)
    rows = [("", "this run", baseline_label or "")]
    current = figures_ms(result.histogram)
    previous = figures_ms(baseline) if baseline is not None else {}
    rows += [(key, f"{value:g} ms", f"{previous[key]:g} ms" if previous else "") for key, value in current.items()]
    rows.append(("samples", str(result.samples), str(baseline.get_total_count()) if baseline is not None else ""))
    table = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    width = 1500 if result.resources is not None and result.resources.samples else 750
    logger.info(
        f'<table><tr><td><img src="{html.escape(path.name)}" alt="latency histogram" width="{width}"></td>'
        f'<td style="vertical-align:top"><table class="statistics">{table}</table></td></tr></table>',
        html=True,
    )
    return path
