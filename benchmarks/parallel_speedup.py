"""Wall time of the whole kit under pabot against one serial `robot` run, on the embedded default.

Baseline: `robot suites/` (one process), measured in the same run. Measured: `pabot --processes N suites/` as is
(pabot's default, one process per suite file, in name order) and with `--ordering resources/pabot-ordering.txt`
(longest suites first, the small suites of an area in one process). Rounds alternate the three commands, so a
machine that speeds up or slows down during the run affects all of them alike. Prints medians and speed-ups.

    python benchmarks/parallel_speedup.py [--rounds 1] [--processes 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ORDERING = ROOT / "resources" / "pabot-ordering.txt"


def commands(processes: int, output: Path) -> dict[str, list[str]]:
    pabot = [str(BIN / "pabot"), "--processes", str(processes)]
    return {
        "robot (serial)": [str(BIN / "robot"), "--console", "none", "--outputdir", str(output / "serial"), "suites/"],
        f"pabot --processes {processes}": [*pabot, "--outputdir", str(output / "pabot"), "suites/"],
        f"pabot --processes {processes} --ordering": [
            *pabot, "--ordering", str(ORDERING), "--outputdir", str(output / "ordered"), "suites/"
        ],
    }  # fmt: skip


def timed_run(command: list[str]) -> float:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:4])}… failed (exit {done.returncode}):\n{done.stdout[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--processes", type=int, default=4)
    arguments = parser.parse_args()
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="parallel-speedup-") as directory:
        for round_number in range(1, arguments.rounds + 1):
            for name, command in commands(arguments.processes, Path(directory) / str(round_number)).items():
                samples.setdefault(name, []).append(timed_run(command))
                print(f"round {round_number}: {name}: {samples[name][-1]:.1f} s", flush=True)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    serial = medians.pop("robot (serial)")
    print(f"\nrobot (serial), the baseline: {serial:.1f} s (median of {arguments.rounds}) on {os.cpu_count()} cores")
    for name, seconds in medians.items():
        print(f"{name}: {seconds:.1f} s, {serial / seconds:.2f}x faster than serial")


if __name__ == "__main__":
    main()
