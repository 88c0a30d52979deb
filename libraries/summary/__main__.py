"""``python -m libraries.summary OUTPUT.xml [--outputdir DIR] [--no-html] [--nostatusrc] [--history DIR]``.

Writes summary.json and summary.md next to OUTPUT.xml (or into DIR), prints the summary, and writes log.html and
report.html again with the summary as top-suite metadata; ``--history DIR`` adds the run to the history in DIR.
Exits like ``rebot``: the number of failed tests (at most 250), 0 with ``--nostatusrc``, 252 when OUTPUT.xml cannot
be read. ``--trend`` writes the trend across runs instead (`libraries.summary.trend_command`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from robot.api import ExecutionResult
from robot.errors import DataError
from robot.reporting import ResultWriter

from . import history, trend_command
from .write import write_summary

INVALID_INPUT = 252


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m libraries.summary", description=__doc__.split("\n\n")[1])
    parser.add_argument("output", type=Path, nargs="?", help="output.xml of robot, pabot or rebot")
    parser.add_argument("--outputdir", type=Path, help="where to write the files (default: beside OUTPUT.xml)")
    parser.add_argument("--no-html", action="store_true", help="leave log.html and report.html as they are")
    parser.add_argument("--nostatusrc", action="store_true", help="exit 0 even when tests failed")
    parser.add_argument("--history", type=Path, metavar="DIR", help="add the run to the history DIR (--trend: read it)")
    trend_command.add_arguments(parser)
    options = parser.parse_args(argv)
    if options.trend:
        return trend_command.main(options)
    if options.output is None:
        parser.error("OUTPUT.xml is required (or --trend)")
    try:
        result = ExecutionResult(str(options.output))
    except DataError as error:
        print(f"Cannot read {options.output}: {error}", file=sys.stderr)
        return INVALID_INPUT
    directory = options.outputdir or options.output.parent
    summary = write_summary(result.suite, directory)
    if options.history:
        print(f"History: {history.append(result.suite, options.history)}")
    if not options.no_html:
        ResultWriter(result).write_results(
            outputdir=str(directory), output=None, log="log.html", report="report.html", stdout=sys.stderr
        )
    return 0 if options.nostatusrc else min(summary["totals"]["fail"], 250)


if __name__ == "__main__":
    sys.exit(main())
