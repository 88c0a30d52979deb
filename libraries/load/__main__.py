"""``python -m libraries.load merge FILE...``: merges load result files (pabot processes, CI shards) per scenario.

The histograms are decoded and added, so the merged percentiles are exact. Prints one line per scenario;
``--json`` prints the merged figures with the encoded histogram instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .result import merge_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m libraries.load", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    merging = commands.add_parser("merge", help="merge result files from <output dir>/load/*.json")
    merging.add_argument("files", nargs="+", type=Path)
    merging.add_argument("--json", action="store_true", help="print the merged figures as JSON")
    arguments = parser.parse_args(argv)
    missing = [str(path) for path in arguments.files if not path.is_file()]
    if missing:
        print(f"No such load result file: {', '.join(missing)}", file=sys.stderr)
        return 2
    merged = merge_files(arguments.files)
    if arguments.json:
        print(json.dumps(merged, indent=2, sort_keys=True))
        return 0
    for scenario, figures in merged.items():
        latency = ", ".join(f"{name} {value:g} ms" for name, value in figures["latency_ms"].items())
        print(
            f"{scenario}: {figures['files']} file(s), {figures['operations']} operations, {figures['errors']} errors, "
            f"{latency}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
