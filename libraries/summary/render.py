"""The summary as console text, Markdown (summary.md, GitHub's job summary) and report.html metadata."""

from __future__ import annotations

from typing import Any

STATUSES = ("pass", "fail", "skip")
AREA_HEADER = ["Area", "Pass", "Fail", "Skip"]


def console(summary: dict[str, Any]) -> str:
    totals = summary["totals"]
    lines = [
        f"Run summary: {_counts(totals)} in {totals['elapsed_s']:.1f} s",
        "Services: " + (", ".join(f"{name} {value}" for name, value in summary["services"].items()) or "not recorded"),
        "By area (pass/fail/skip): "
        + ", ".join(f"{tag} {c['pass']}/{c['fail']}/{c['skip']}" for tag, c in summary["areas"].items()),
        "Slowest: " + ", ".join(f"{row['test']} {row['seconds']:.1f} s" for row in summary["slowest"][:3]),
        f"LLM: {_llm_total(summary['llm'])}; system under test: {_system_llm_total(summary['llm'])}",
    ]
    for section, rows in summary["sections"].items():
        lines.append(f"{section.capitalize()}: {len(rows)} row(s), see summary.md")
    return "\n".join(lines)


def markdown(summary: dict[str, Any]) -> str:
    totals = summary["totals"]
    parts = [
        f"## Run summary: {summary['status']}",
        f"{_counts(totals)} in {totals['elapsed_s']:.1f} s.",
        "### Services",
        _md_table(["Service", "Version"], list(summary["services"].items()) or [("not recorded", "")]),
        "### Tests by area",
        _md_table(AREA_HEADER, _area_rows(summary)),
        "### Slowest tests",
        _md_table(["Test", "Seconds", "Status"], _slowest_rows(summary)),
        "### LLM calls",
        _llm_table(summary["llm"], _md_table),
        "### LLM calls of the system under test",
        _system_llm_table(summary["llm"], _md_table),
    ]
    for section, rows in summary["sections"].items():
        parts += [f"### {section.capitalize()}", _generic_table(rows, _md_table)]
    return "\n\n".join(parts) + "\n"


def metadata(summary: dict[str, Any]) -> str:
    """Robot Framework documentation syntax: report.html and log.html render it as tables."""
    services = ", ".join(f"{name} {value}" for name, value in summary["services"].items()) or "not recorded"
    parts = [
        f"{_counts(summary['totals'])}. Services: {services}.",
        _robot_table(AREA_HEADER, _area_rows(summary)),
        _robot_table(["Slowest test", "Seconds", "Status"], _slowest_rows(summary)),
        _llm_table(summary["llm"], _robot_table),
        _system_llm_table(summary["llm"], _robot_table),
    ]
    parts += [_generic_table(rows, _robot_table, title=section) for section, rows in summary["sections"].items()]
    return "\n\n".join(parts)


def _area_rows(summary: dict[str, Any]) -> list[tuple]:
    return [(tag, *(counts[status] for status in STATUSES)) for tag, counts in summary["areas"].items()]


def _slowest_rows(summary: dict[str, Any]) -> list[tuple]:
    return [(row["test"], f"{row['seconds']:.2f}", row["status"]) for row in summary["slowest"]]


def _counts(totals: dict[str, int]) -> str:
    text = f"{totals['tests']} tests, {totals['pass']} passed, {totals['fail']} failed, {totals['skip']} skipped"
    return text + (f", {totals['not_run']} not run" if totals.get("not_run") else "")


def _llm_total(llm: dict[str, Any]) -> str:
    total = llm["total"]
    if not total["calls"]:
        return "no calls"
    return (
        f"{total['calls']:g} calls, {total['input_tokens']:g} tokens in, {total['output_tokens']:g} out, "
        f"${total['cost_usd']:.6f}"
    )


def _llm_table(llm: dict[str, Any], table) -> str:
    rows = [
        (
            r.get("provider", ""),
            r.get("model", ""),
            r.get("mode", ""),
            f"{r.get('calls', 0):g}",
            f"{r.get('input_tokens', 0):g}",
            f"{r.get('output_tokens', 0):g}",
            f"{r.get('cost_usd', 0):.6f}",
        )
        for r in llm["by_model"]
    ]
    if not rows:
        return "No LLM calls."
    return table(["Provider", "Model", "Mode", "Calls", "Tokens in", "Tokens out", "Cost USD"], rows)


def _system_llm_total(llm: dict[str, Any]) -> str:
    total = _system_llm(llm)["total"]
    if not total.get("calls"):
        return "no calls"
    return (
        f"{total['calls']:g} calls, {total['input_tokens']:g} tokens in, {total['output_tokens']:g} out, "
        f"{total['faults']:g} met a fault"
    )


def _system_llm_table(llm: dict[str, Any], table) -> str:
    rows = [
        (
            r.get("system", ""),
            r.get("provider", ""),
            r.get("model", ""),
            *(f"{r.get(name, 0):g}" for name in ("calls", "input_tokens", "output_tokens", "faults")),
        )
        for r in _system_llm(llm)["by_model"]
    ]
    if not rows:
        return "No LLM calls of a system under test."
    return table(["System", "Provider", "Model", "Calls", "Tokens in", "Tokens out", "Faults met"], rows)


def _system_llm(llm: dict[str, Any]) -> dict[str, Any]:
    """A summary written before systems were counted has no such part."""
    return llm.get("system_under_test") or {"by_model": [], "total": {}}


def _generic_table(rows: list[dict[str, Any]], table, title: str = "") -> str:
    columns = list(dict.fromkeys(name for row in rows for name in row))
    header = [f"{title}: {columns[0]}" if title else columns[0], *columns[1:]] if columns else [title]
    return table(header, [tuple(_cell(row.get(name, "")) for name in columns) for row in rows])


def _cell(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _md_table(header: list[str], rows: list[tuple]) -> str:
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    lines += [" | ".join(_md_escape(cell) for cell in row) for row in rows]
    return "\n".join(f"| {line} |" for line in lines)


def _md_escape(cell: Any) -> str:
    return str(cell).replace("|", "\\|").replace("\n", " ")


def _robot_table(header: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(f"={name}=" for name in header) + " |"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)
