"""Field-by-field comparison of a run's copies, and the tables that show it (plain text for failures, escaped HTML
for the log)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from ..contract import COPY_FIELDS, RunCopy

Copies = dict[str, RunCopy | None]
"""A run's copy per source (``stored``, ``cached``, ``reported``); None: that source has no copy of the run."""

SOURCES = {
    "stored": "stored (source of truth)",
    "cached": "cached",
    "reported": "reported (system's answer)",
}
FIELD_NAMES = {
    "status": "status",
    "step_count": "step count",
    "result_digest": "result digest",
    "result": "result",
    "finished_at": "finish time",
}
SHOWN_CHARACTERS = 60
_NO_COPY = object()
_NOT_SHOWN = object()


def differing_fields(copies: Copies) -> list[str]:
    """The fields on which the copies that show them disagree; a missing copy disagrees on every field."""
    differ = []
    for name in COPY_FIELDS:
        values = [_value(copy, name) for copy in copies.values()]
        values = [value for value in values if value is not _NOT_SHOWN]
        if any(value is _NO_COPY for value in values) or any(value != values[0] for value in values[1:]):
            differ.append(name)
    return differ


def text_table(run: str, copies: Copies, differ: list[str]) -> str:
    """``Run … disagrees …`` and a table of the differing fields, one column per copy."""
    header = ["field", *(SOURCES.get(source, source) for source in copies)]
    rows = [[FIELD_NAMES[name], *(_shown(copy, name) for copy in copies.values())] for name in differ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in [header, *rows]]
    return f"Run {run} disagrees across services in {len(differ)} of {len(COPY_FIELDS)} fields:\n" + "\n".join(lines)


def html_table(run: str, copies: Copies, differ: list[str]) -> str:
    """Every field of every copy as an HTML table (values escaped); differing fields are marked."""
    head = "".join(f"<th>{escape(SOURCES.get(source, source))}</th>" for source in copies)
    rows = []
    for name in COPY_FIELDS:
        mark = " &#8800;" if name in differ else ""
        cells = "".join(f"<td>{escape(_shown(copy, name))}</td>" for copy in copies.values())
        rows.append(f"<tr><td>{escape(FIELD_NAMES[name])}{mark}</td>{cells}</tr>")
    caption = f"Run {escape(run)}" + (f": {len(differ)} field(s) differ" if differ else "")
    return f'<table border="1"><caption>{caption}</caption><tr><th>field</th>{head}</tr>{"".join(rows)}</table>'


def _value(copy: RunCopy | None, name: str) -> Any:
    if copy is None:
        return _NO_COPY
    return getattr(copy, name) if name in copy.shows else _NOT_SHOWN


def _shown(copy: RunCopy | None, name: str) -> str:
    value = _value(copy, name)
    if value is _NO_COPY:
        return "(no copy)"
    if value is _NOT_SHOWN:
        return "(not shown)"
    if value is None:
        return "(none)"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if name != "result":
        return text
    return repr(text[:SHOWN_CHARACTERS] + "…") if len(text) > SHOWN_CHARACTERS else repr(text)
