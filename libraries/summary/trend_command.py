"""``python -m libraries.summary --trend [--history DIR] [--last N] [--outputdir DIR]`` and its margins.

Reads the last N runs of the history (default ``results/history``), writes ``trend.md`` and ``trend.html`` into
DIR (default: the folder that holds the history) and prints the flaky and slowing tests. Exits 0, or 252 when the
history holds no run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import history, trend_report
from .trend import DEFAULT_LAST, Margins, analyze

DEFAULT_HISTORY = Path("results/history")
NO_HISTORY = 252


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Margins()
    group = parser.add_argument_group("trend across runs")
    group.add_argument(
        "--trend",
        action="store_true",
        help=f"write trend.md and trend.html from the history (default: {DEFAULT_HISTORY})",
    )
    group.add_argument(
        "--last", type=_at_least(1), default=DEFAULT_LAST, metavar="N", help=f"runs to show (default: {DEFAULT_LAST})"
    )
    group.add_argument(
        "--slowing-percent",
        type=float,
        default=defaults.percent,
        metavar="P",
        help=f"slowing: recent median above the earlier by more than P %% (default: {defaults.percent:g})",
    )
    group.add_argument(
        "--slowing-seconds",
        type=float,
        default=defaults.seconds,
        metavar="S",
        help=f"... and by more than S seconds (default: {defaults.seconds:g})",
    )
    group.add_argument(
        "--min-samples",
        type=_at_least(2),
        default=defaults.min_samples,
        metavar="N",
        help=f"slowing: at least N passed runs of the test in the window (default: {defaults.min_samples})",
    )


def main(options: argparse.Namespace) -> int:
    directory = options.history or DEFAULT_HISTORY
    runs = history.load(directory)[-options.last :]
    if not runs:
        hint = f"python -m libraries.summary OUTPUT.xml --history {directory}"
        print(f"No runs in {directory}: add them with '{hint}'", file=sys.stderr)
        return NO_HISTORY
    margins = Margins(options.slowing_percent, options.slowing_seconds, options.min_samples)
    trend = analyze(runs, margins)
    outputdir = options.outputdir or Path(directory).parent
    outputdir.mkdir(parents=True, exist_ok=True)
    (outputdir / "trend.md").write_text(trend_report.markdown(trend), encoding="utf-8")
    (outputdir / "trend.html").write_text(trend_report.html_page(trend), encoding="utf-8")
    print(_console(trend))
    print(f"Trend: {outputdir / 'trend.md'}, {outputdir / 'trend.html'}")
    return 0


def _console(trend: dict) -> str:
    runs = trend["runs"]
    flaky = ", ".join(row["test"] for row in trend["flaky"]) or "none"
    slowing = ", ".join(f"{row['test']} (+{row['change_s']:.2f} s)" for row in trend["slowing"]) or "none"
    return f"Trend of {len(runs)} run(s), {runs[0]['label']} to {runs[-1]['label']}\nFlaky: {flaky}\nSlowing: {slowing}"


def _at_least(lowest: int):
    def parse(text: str) -> int:
        value = int(text)
        if value < lowest:
            raise argparse.ArgumentTypeError(f"must be {lowest} or more")
        return value

    return parse
