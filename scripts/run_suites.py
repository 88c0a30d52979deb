"""Runs the suites under pabot and writes the run summary: ``.venv/bin/python scripts/run_suites.py [ARGS]``.

Without ARGS it runs every suite, four processes, in the order of ``resources/pabot-ordering.txt``; ARGS replace
that (``--include redis suites/``) and go to pabot as they are. Results go to ``--outputdir`` (default ``results``):
``log.html``, ``report.html``, ``output.xml``, ``summary.json`` and ``summary.md``; the run is added to the history
in ``history/`` there (``python -m libraries.summary --trend`` shows the trend across runs).

The exit status is the number of failed tests (at most 250), as robot's is, and is non-zero with one line saying why
whenever no trustworthy count exists: pabot could not start or was stopped (its status 251-255), it wrote no
``output.xml`` in this run, or the summary could not be written.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARGS = ["--ordering", "resources/pabot-ordering.txt", "suites/"]
PABOT_STATUS = {
    251: "it printed its help or version instead of running",
    252: "invalid test data or command line options",
    253: "the run was stopped",
    255: "an unexpected internal error",
}
NO_COUNT = 255


def fail(message: str, status: int) -> int:
    print(f"run_suites: {message}", file=sys.stderr)
    return status


def run_pabot(processes: int, outputdir: Path, pabot_args: list[str]) -> int:
    bin_dir = Path(sys.executable).parent
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    # PabotLib on a free port (pabot's default 8270 would be shared by two runs on one machine).
    port = [] if "--pabotlibport" in pabot_args else ["--pabotlibport", "0"]
    command = [str(bin_dir / "pabot"), *port, "--processes", str(processes), "--outputdir", str(outputdir), *pabot_args]
    print("run_suites:", " ".join(command), flush=True)
    try:
        return subprocess.run(command, cwd=ROOT, env=environment, check=False).returncode
    except OSError as error:
        print(f"run_suites: cannot start pabot ({error}): run 'python3 scripts/setup.py' first", file=sys.stderr)
        return NO_COUNT


def summarize(output: Path) -> int:
    """The summary's count of failed tests; raises when the summary cannot be written."""
    from libraries.summary.__main__ import INVALID_INPUT
    from libraries.summary.__main__ import main as summary

    failed = summary([str(output), "--history", str(output.parent / "history")])
    if failed == INVALID_INPUT:
        raise ValueError(f"{output} cannot be read")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/run_suites.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--outputdir", type=Path, default=Path("results"), help="where results go (default: results)")
    parser.add_argument("--processes", type=int, default=4, help="pabot processes (default: 4)")
    options, pabot_args = parser.parse_known_args(argv)
    outputdir = options.outputdir if options.outputdir.is_absolute() else ROOT / options.outputdir
    started = time.time()
    status = run_pabot(options.processes, outputdir, pabot_args or DEFAULT_ARGS)
    output = outputdir / "output.xml"
    if not output.is_file() or output.stat().st_mtime < started:
        reason = PABOT_STATUS.get(status, f"exit status {status}")
        return fail(f"pabot wrote no {output} in this run ({reason}); no tests were counted", status or NO_COUNT)
    try:
        failed = summarize(output)
    except Exception as error:
        return fail(f"the run summary could not be written: {type(error).__name__}: {error}", status or NO_COUNT)
    if status in PABOT_STATUS:
        return fail(f"pabot exited with {status}: {PABOT_STATUS[status]}; the summary counts what ran", status)
    if failed != min(status, 250):
        return fail(f"pabot exited with {status} but the summary counts {failed} failed test(s)", max(failed, status))
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
