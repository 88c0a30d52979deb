"""Writes summary.json and summary.md into an output directory and the summary to the console."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from robot.result import TestSuite

from . import render
from .collect import summarize

METADATA_NAME = "Run Summary"


def write_summary(suite: TestSuite, output_dir: Path | str) -> dict[str, Any]:
    """Computes the summary of ``suite``, writes the files, prints it and adds it to the suite's metadata."""
    summary = summarize(suite)
    directory = Path(output_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (directory / "summary.md").write_text(render.markdown(summary), encoding="utf-8")
    suite.metadata[METADATA_NAME] = render.metadata(summary)
    sys.__stdout__.write(f"\n{render.console(summary)}\nSummary: {directory / 'summary.md'}\n")
    sys.__stdout__.flush()
    return summary
