"""The trend report's pictures as PNG bytes (matplotlib, Agg backend): pass rate, wall time and test durations per run.

matplotlib is imported when a picture is drawn, so the run summary never imports it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

LEGEND_NAME_LIMIT = 60
PASS_COLOURS = ((100.0, "#55a868"), (80.0, "#dd8452"), (0.0, "#c44e52"))


def pass_rate(rows: list[dict[str, Any]]) -> bytes:
    """Per run: passed / (passed + failed), in per cent; skipped tests do not count."""

    def draw(axes) -> None:
        rates = [row["pass_rate"] if row["pass_rate"] is not None else 0.0 for row in rows]
        colours = [next(colour for floor, colour in PASS_COLOURS if rate >= floor) for rate in rates]
        axes.bar(range(len(rows)), rates, color=colours)
        axes.set_ylim(0, 105)
        axes.set_ylabel("pass rate (%)")

    return _picture("Pass rate per run", [row["label"] for row in rows], draw)


def wall_time(rows: list[dict[str, Any]]) -> bytes:
    def draw(axes) -> None:
        axes.bar(range(len(rows)), [row["wall_s"] for row in rows], color="#4c72b0")
        axes.set_ylabel("wall time (s)")

    return _picture("Wall time of the run", [row["label"] for row in rows], draw)


def durations(labels: list[str], series: dict[str, list[float | None]]) -> bytes:
    """One line per test; gaps where it did not run."""

    def draw(axes) -> None:
        for name, values in series.items():
            shown = name if len(name) <= LEGEND_NAME_LIMIT else name[: LEGEND_NAME_LIMIT - 1] + "…"
            shown = shown.replace("$", r"\$")  # else matplotlib reads $…$ as a formula
            axes.plot(range(len(values)), [float("nan") if v is None else v for v in values], marker="o", label=shown)
        axes.set_ylabel("duration (s)")
        axes.set_ylim(bottom=0)
        if series:
            axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))

    return _picture("Durations of the slowing and slowest tests", labels, draw, width=10.0)


def _picture(title: str, labels: list[str], draw: Callable[[Any], None], width: float = 7.5) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(width, 3.2), dpi=100)
    try:
        draw(axes)
        tilted = len(labels) > 6
        axes.set_xticks(range(len(labels)), labels, rotation=45 if tilted else 0, ha="right" if tilted else "center")
        axes.tick_params(axis="x", labelsize=7)
        axes.set_title(title, fontsize=10)
        axes.grid(axis="y", alpha=0.3)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        pyplot.close(figure)
    return buffer.getvalue()
