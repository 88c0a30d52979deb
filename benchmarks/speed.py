"""Where the time of a run goes, in one run: agent start (cold against warm), the suite set-up of the agent system, the
full pabot run and the parts of ``.ci/checks``; with ``--baseline-tree``, the same full run of another checkout beside
it and the ratio.

    .venv/bin/python benchmarks/speed.py [--baseline-tree DIR] [--checks] [--repeat 5]

``--baseline-tree`` is a checkout of an earlier commit with its own virtualenv in ``DIR/.venv`` (made as that commit's
README says); its suites run with ``pabot --processes 4 --ordering resources/pabot-ordering.txt`` from that tree, then
this tree's the same way, back to back. ``--checks`` also runs ``bash .ci/checks`` and prints when each lane ended.
Wall times on a shared 2-core machine are noisy: compare ratios taken in the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from robot.api import ExecutionResult

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SETUP_SUITE = ROOT / "suites" / "orchestration" / "flow.robot"


def timed(command: list[str | Path], cwd: Path, bin_dir: Path = BIN) -> tuple[float, subprocess.CompletedProcess]:
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    started = time.monotonic()
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=environment, capture_output=True, text=True)
    return time.monotonic() - started, done


def agent_start(repeat: int) -> None:
    print("== agent start (benchmarks/agent_start.py)")
    _, done = timed([sys.executable, ROOT / "benchmarks" / "agent_start.py", "--repeat", str(repeat)], ROOT)
    lines = done.stdout.splitlines()
    print("\n".join(line for line in lines if line.strip() and "samples" not in line) or done.stderr[-2000:])


def suite_setup(output_dir: Path) -> None:
    print(f"\n== suite set-up of the agent system ({SETUP_SUITE.relative_to(ROOT)})")
    wall, _ = timed([BIN / "robot", "--outputdir", output_dir, "--console", "none", SETUP_SUITE], ROOT)
    suite = ExecutionResult(str(output_dir / "output.xml")).suite
    starts = [kw for kw in _keywords(suite.setup) if kw.name == "Start Agent System"]
    setup_s = suite.setup.elapsed_time.total_seconds()
    start_s = starts[0].elapsed_time.total_seconds() if starts else float("nan")
    print(f"suite set-up {setup_s:.2f} s, of it Start Agent System {start_s:.2f} s (suite wall time {wall:.1f} s)")


def _keywords(body) -> list:
    found = []
    for item in getattr(body, "body", []):
        if getattr(item, "type", "") in ("KEYWORD", "SETUP"):
            found.append(item)
        found.extend(_keywords(item))
    return found


def full_run(tree: Path, output_dir: Path) -> float:
    bin_dir = tree / ".venv" / "bin"
    command = [bin_dir / "pabot", "--pabotlibport", "0", "--processes", "4", "--ordering",
               "resources/pabot-ordering.txt", "--outputdir", output_dir, "suites/"]  # fmt: skip
    wall, done = timed(command, tree, bin_dir)
    totals = re.findall(r"^(\d+ tests, .*)$", done.stdout, flags=re.MULTILINE)
    print(f"{tree}: {wall:.1f} s, {totals[-1] if totals else 'no totals: ' + done.stdout[-500:]}")
    return wall


def checks() -> None:
    print("\n== bash .ci/checks")
    wall, done = timed(["bash", ".ci/checks"], ROOT)
    for line in done.stdout.splitlines():
        if re.search(r"ended after|^checks:", line):
            print(line)
    print(f"exit {done.returncode}, {wall:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-tree", type=Path, help="a checkout of an earlier commit with DIR/.venv")
    parser.add_argument("--checks", action="store_true", help="also run bash .ci/checks")
    parser.add_argument("--repeat", type=int, default=5, help="agent starts of each kind")
    options = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start\n")
    agent_start(options.repeat)
    with tempfile.TemporaryDirectory(prefix="speed-") as scratch:
        suite_setup(Path(scratch, "setup"))
        print("\n== full run: pabot --processes 4 --ordering resources/pabot-ordering.txt suites/")
        this = full_run(ROOT, Path(scratch, "this"))
        if options.baseline_tree:
            baseline = full_run(options.baseline_tree.resolve(), Path(scratch, "baseline"))
            print(f"this tree / baseline: {this / baseline:.2f}")
    if options.checks:
        checks()
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
