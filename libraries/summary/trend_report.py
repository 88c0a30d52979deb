"""The trend as Markdown (trend.md, for a job summary) and as one self-contained HTML page (trend.html, its pictures
embedded as base64 PNG). Every test name and message is escaped."""

from __future__ import annotations

import base64
import html
from statistics import median
from typing import Any, NamedTuple

from . import trend_pictures
from .trend import FLAKY_SWITCHES, short_commit, sparkline

TABLE_TESTS = 15
CHART_TESTS = 8


def markdown(trend: dict[str, Any]) -> str:
    parts = [f"## Test trend: last {len(trend['runs'])} run(s)", _overview(trend)]
    for section in _sections(trend):
        parts.append(f"### {section.title}")
        parts += [_md_text(section.intro)] if section.intro else []
        parts.append(_md_table(section.header, section.rows) if section.rows else section.empty)
    return "\n\n".join(parts) + "\n"


def html_page(trend: dict[str, Any]) -> str:
    runs = trend["runs"]
    labels = [row["label"] for row in runs]
    charted = {name: trend["durations"][name] for name in _chart(trend)}
    pictures = {
        "Runs": [(trend_pictures.pass_rate(runs), "Pass rate per run"), (trend_pictures.wall_time(runs), "Wall time")],
        "Test durations": [(trend_pictures.durations(labels, charted), "Durations of the slowing and slowest tests")],
    }
    body = [f"<h1>Test trend: last {len(runs)} run(s)</h1>", f"<p>{_e(_overview(trend))}</p>"]
    for section in _sections(trend):
        body.append(f"<h2>{_e(section.title)}</h2>")
        body += [f"<p>{_e(section.intro)}</p>"] if section.intro else []
        body += [_img(png, alt) for png, alt in pictures.get(section.title, [])]
        body.append(_html_table(section.header, section.rows) if section.rows else f"<p>{_e(section.empty)}</p>")
    every = _duration_rows(trend, sorted(trend["durations"]))
    body.append(f"<details><summary>All {len(every)} tests</summary>{_html_table(DURATION_HEADER, every)}</details>")
    return PAGE.format(body="\n".join(body))


class Section(NamedTuple):
    title: str
    intro: str
    header: list[str]
    rows: list[tuple]
    empty: str = ""


DURATION_HEADER = ["Test", "Runs", "Min s", "Median s", "Latest s", "Durations, oldest first"]


def _sections(trend: dict[str, Any]) -> list[Section]:
    margins = trend["margins"]
    shown = _table_tests(trend)
    return [
        Section(
            "Flaky tests",
            f"Passed and failed on the same commit, or switched between pass and fail {FLAKY_SWITCHES} or more times.",
            ["Test", "Passed/failed", "Pass/fail history", "Why", "Last failure"],
            [_flaky_row(row) for row in trend["flaky"]],
            "No flaky test in these runs.",
        ),
        Section(
            "Slowing tests",
            f"Median of the recent half of a test's passed durations above the earlier half by more than "
            f"{margins.percent:g} % and {margins.seconds:g} s, with at least {margins.min_samples} passed runs.",
            ["Test", "Earlier median s", "Recent median s", "Change", "Durations, oldest first"],
            [_slowing_row(row, trend["durations"][row["test"]]) for row in trend["slowing"]],
            "No slowing test in these runs.",
        ),
        Section(
            "Runs",
            "Pass rate: passed / (passed + failed).",
            ["Run", "Commit", "Started", "Tests", "Pass", "Fail", "Skip", "Pass rate", "Wall time s"],
            [_run_row(row) for row in trend["runs"]],
        ),
        Section(
            "Test durations",
            f"The {len(shown)} slowing and slowest tests, in seconds; · where a test did not run or was skipped.",
            DURATION_HEADER,
            _duration_rows(trend, shown),
            "No test ran.",
        ),
    ]


def _flaky_row(row: dict[str, Any]) -> tuple:
    reasons = "; ".join(row["reasons"])
    return (row["test"], f"{row['passed']}/{row['failed']}", row["history"], reasons, row["last_failure"])


def _slowing_row(row: dict[str, Any], durations: list[float | None]) -> tuple:
    percent = f" (+{row['change_pct']:g} %)" if row["change_pct"] is not None else ""
    change = f"+{row['change_s']:.2f} s{percent}"
    return (row["test"], f"{row['earlier_s']:.2f}", f"{row['recent_s']:.2f}", change, sparkline(durations))


def _run_row(row: dict[str, Any]) -> tuple:
    rate = "" if row["pass_rate"] is None else f"{row['pass_rate']:g} %"
    started = row["start"].replace("T", " ")[:19]
    totals = (row["tests"], row["pass"], row["fail"], row["skip"])
    return (row["label"].split()[0], short_commit(row["commit"]), started, *totals, rate, f"{row['wall_s']:.1f}")


def _overview(trend: dict[str, Any]) -> str:
    runs = trend["runs"]
    first, last = runs[0], runs[-1]
    rate = "no passed or failed tests" if last["pass_rate"] is None else f"pass rate {last['pass_rate']:g} %"
    return (
        f"{len(runs)} run(s), {first['start'][:16].replace('T', ' ')} ({first['label']}) to "
        f"{last['start'][:16].replace('T', ' ')} ({last['label']}). Latest run: {rate}, {last['fail']} failed, "
        f"wall time {last['wall_s']:.1f} s. Flaky tests: {len(trend['flaky'])}. Slowing tests: {len(trend['slowing'])}."
    )


def _table_tests(trend: dict[str, Any]) -> list[str]:
    slowing = [row["test"] for row in trend["slowing"]]
    rest = sorted(
        (name for name in trend["durations"] if name not in slowing),
        key=lambda name: -_median(trend["durations"][name]),
    )
    return [*slowing, *rest][:TABLE_TESTS]


def _chart(trend: dict[str, Any]) -> list[str]:
    return _table_tests(trend)[:CHART_TESTS]


def _duration_rows(trend: dict[str, Any], names: list[str]) -> list[tuple]:
    rows = []
    for name in names:
        values = trend["durations"][name]
        known = [value for value in values if value is not None]
        latest = next((value for value in reversed(values) if value is not None), None)
        rows.append(
            (
                name,
                len(known),
                f"{min(known):.2f}" if known else "",
                f"{median(known):.2f}" if known else "",
                "" if latest is None else f"{latest:.2f}",
                sparkline(values),
            )
        )
    return rows


def _median(values: list[float | None]) -> float:
    known = [value for value in values if value is not None]
    return median(known) if known else 0.0


def _md_table(header: list[str], rows: list[tuple]) -> str:
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    lines += [" | ".join(_md_cell(cell) for cell in row) for row in rows]
    return "\n".join(f"| {line} |" for line in lines)


def _md_cell(cell: Any) -> str:
    """Pipes end a cell and ``<`` starts HTML in GitHub's Markdown: both are escaped."""
    return _md_text(" ".join(str(cell).split())).replace("|", "\\|")


def _md_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")


def _html_table(header: list[str], rows: list[tuple]) -> str:
    head = "".join(f"<th>{_e(name)}</th>" for name in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _img(png: bytes, alt: str) -> str:
    return f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" alt="{_e(alt)}">'


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Test trend</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }}
img {{ display: block; max-width: 100%; margin: 0.5em 0; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""
