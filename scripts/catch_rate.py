"""Measures how many seeded defects the suites catch: ``.venv/bin/python scripts/catch_rate.py [OPTIONS]``.

Runs the orchestration, faults, load and health suites under pabot once on the clean reference system and once per
defect of ``orchestrator/defects.py`` (``ORCHESTRATOR_DEFECTS=<name>``), each run bounded in time, and writes a
table: defect -> the tests that failed (with the first line of their failure) -> caught or missed, the catch rate and
the wall time of each run. A skipped test is not a catch. The clean run must have no failure, or the table is void
(it says so, and the exit status is non-zero).

``--fast`` runs the fast subset (`FAST_SUBSET`: defects of different areas, none that depends on timing) on the
first suite the catalogue says catches each one (`CAUGHT_BY`), without the clean run (the suites' own run is it);
it fails when any of them is missed. Results go to ``--outputdir`` (default ``results/catch-rate``): one directory per
run, ``catch_rate.md`` (for a CI summary) and ``catch_rate.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from orchestrator.defects import CATALOGUE, CAUGHT_BY, TIMING_DEPENDENT  # noqa: E402
from orchestrator.settings import DEFECTS_VARIABLE  # noqa: E402
from scripts.run_suites import run_pabot  # noqa: E402

SUITE_GROUPS = ("suites/orchestration", "suites/faults", "suites/load", "suites/health")
"""What the full measurement runs for every defect."""
FAST_SUBSET = ("accept_truncated_stream", "stored_result_differs", "reconcile_wrong_way", "health_ok_while_redis_down")
"""Defects the fast lane proves caught: four areas (LLM faults, flow, consistency, health), none that depends on
timing, each caught in a suite of under a minute (the crash defects are caught only by runs waiting out a timeout)."""
EXCLUDED_TAGS = ("defects",)
"""Tests that switch defects on themselves (suites/load/caught_regressions.robot): not part of the measurement."""
CLEAN = "(clean)"
TEST_TIMEOUT = "3 min"
"""Each test without a timeout of its own gets this one, so a defect that hangs a run fails its test in bounded time."""


@dataclass
class Failure:
    test: str
    message: str


@dataclass
class Outcome:
    defect: str
    seconds: float
    passed: int = 0
    failed: list[Failure] = field(default_factory=list)
    skipped: int = 0
    problem: str | None = None
    """Why no trustworthy result exists (pabot gave no output): then the defect is neither caught nor missed."""

    @property
    def verdict(self) -> str:
        if self.problem:
            return "no result"
        if self.defect == CLEAN:
            return "clean" if not self.failed else "NOT CLEAN"
        return "caught" if self.failed else "missed"


class BoundedTests:
    """Robot pre-run modifier: every test without a timeout of its own gets ``timeout``."""

    def __init__(self, timeout: str = TEST_TIMEOUT) -> None:
        self.timeout = timeout

    def visit_suite(self, suite: Any) -> None:
        for test in suite.tests:
            if not test.timeout:
                test.timeout = self.timeout
        for child in suite.suites:
            self.visit_suite(child)


def suite_name(path: str) -> str:
    """``suites/orchestration/llm_faults.robot`` -> ``Suites.Orchestration.Llm Faults`` (pabot's --suite)."""
    parts = Path(path).with_suffix("").parts
    return ".".join(part.replace("_", " ").title() for part in parts)


def ordering_file(outputdir: Path, suites: list[str]) -> Path:
    """Pabot's ordering for these suites: the project's order (longest first) where it names them."""
    names = [suite_name(path) for path in suites]
    known = [
        line.strip()[len("--suite ") :]
        for line in (ROOT / "resources" / "pabot-ordering.txt").read_text().splitlines()
        if line.strip().startswith("--suite ")
    ]
    chosen = [name for name in known if any(name == n or name.startswith(f"{n}.") for n in names)]
    ordering = outputdir / "ordering.txt"
    ordering.write_text("".join(f"--suite {name}\n" for name in chosen))
    return ordering


def run_once(defect: str, suites: list[str], outputdir: Path, processes: int, bound_s: int) -> Outcome:
    """One pabot run of `suites` with `defect` switched on (none for `CLEAN`), within about `bound_s` seconds."""
    outputdir.mkdir(parents=True, exist_ok=True)
    args = [
        "--processtimeout",
        str(bound_s),
        "--pythonpath",
        str(ROOT),
        "--prerunmodifier",
        f"scripts.catch_rate.BoundedTests:{TEST_TIMEOUT}",
        "--ordering",
        str(ordering_file(outputdir, suites)),
        *[option for tag in EXCLUDED_TAGS for option in ("--exclude", tag)],
        *[option for path in suites for option in ("--suite", suite_name(path))],
        "--console",
        "dotted",
        "suites/",
    ]
    previous = os.environ.get(DEFECTS_VARIABLE)
    os.environ[DEFECTS_VARIABLE] = "" if defect == CLEAN else defect
    started = time.monotonic()
    try:
        status = run_pabot(processes, outputdir, args)
    finally:
        if previous is None:
            os.environ.pop(DEFECTS_VARIABLE, None)
        else:
            os.environ[DEFECTS_VARIABLE] = previous
    outcome = Outcome(defect, round(time.monotonic() - started, 1))
    output = outputdir / "output.xml"
    if not output.is_file() or output.stat().st_mtime < time.time() - outcome.seconds - 5:
        outcome.problem = f"pabot wrote no output.xml (exit status {status})"
        return outcome
    read_results(output, outcome)
    return outcome


def read_results(output: Path, outcome: Outcome) -> None:
    from robot.api import ExecutionResult

    result = ExecutionResult(str(output))
    for test in result.suite.all_tests:
        if test.status == "FAIL":
            outcome.failed.append(Failure(test.longname, first_line(test.message)))
        elif test.status == "SKIP":
            outcome.skipped += 1
        else:
            outcome.passed += 1


def first_line(message: str) -> str:
    """The failure's first line, with the next one when the first only announces it (ends with a colon)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()] or ["(no message)"]
    text = f"{lines[0]} {lines[1]}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]
    return text[:200]


def markdown(outcomes: list[Outcome], clean: Outcome | None) -> str:
    defects = [o for o in outcomes if o.defect != CLEAN]
    measured = [o for o in defects if not o.problem]
    caught = [o for o in measured if o.verdict == "caught"]
    lines = ["## Seeded defects caught by the suites", ""]
    if clean is None:
        lines.append("Clean run: not part of this measurement (the suites' own run is the clean one).")
    elif clean.verdict != "clean":
        lines += [
            f"**VOID**: the clean run has {len(clean.failed)} failure(s) or no result, so a failure under a defect "
            "proves nothing. Clean failures:",
            "",
            *[f"- `{f.test}`: {f.message}" for f in clean.failed],
            *([f"- {clean.problem}"] if clean.problem else []),
        ]
    else:
        lines.append(f"Clean run: {clean.passed} passed, 0 failed, {clean.skipped} skipped in {clean.seconds:.0f} s.")
    rate = f"{len(caught)} of {len(measured)}" + (f" ({100 * len(caught) / len(measured):.0f} %)" if measured else "")
    lines += ["", f"**Catch rate: {rate}**" + (" (void)" if clean and clean.verdict != "clean" else ""), ""]
    lines += ["| Defect | Verdict | Failed tests (first failure line) | Skipped | Wall time |", "|---|---|---|---|---|"]
    for outcome in defects:
        failures = "<br>".join(f"`{_short(f.test)}`: {_cell(f.message)}" for f in outcome.failed[:8])
        if len(outcome.failed) > 8:
            failures += f"<br>… and {len(outcome.failed) - 8} more"
        detail = failures or _cell(outcome.problem or "")
        lines.append(
            f"| `{outcome.defect}` | {outcome.verdict} | {detail} | {outcome.skipped} | {outcome.seconds:.0f} s |"
        )
    missed = [o.defect for o in measured if o.verdict == "missed"]
    lines += ["", f"Missed: {', '.join(missed) if missed else 'none'}.", ""]
    return "\n".join(lines)


def _short(longname: str) -> str:
    return longname.removeprefix("Suites.")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plan(options: argparse.Namespace) -> tuple[list[tuple[str, list[str]]], bool]:
    """The runs to make, (defect, suites) each, and whether the clean run comes first."""
    if options.fast:
        return [(name, list(CAUGHT_BY[name][:1])) for name in FAST_SUBSET], False
    names = [name.strip() for name in options.defects.split(",") if name.strip()] if options.defects else CATALOGUE
    unknown = [name for name in names if name not in CATALOGUE]
    if unknown:
        raise SystemExit(f"catch_rate: unknown defect '{unknown[0]}'; known: {', '.join(CATALOGUE)}")
    return [(name, list(SUITE_GROUPS)) for name in names], not options.no_clean


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/catch_rate.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--defects", help="comma-separated defects (default: the whole catalogue)")
    parser.add_argument("--fast", action="store_true", help="the fast subset on the suites that catch each")
    parser.add_argument("--no-clean", action="store_true", help="skip the clean run (the table is then unproved)")
    parser.add_argument("--processes", type=int, default=2, help="pabot processes (default: 2)")
    parser.add_argument("--bound", type=int, default=900, help="seconds one suite process may take (default: 900)")
    parser.add_argument("--outputdir", type=Path, default=Path("results/catch-rate"))
    options = parser.parse_args(argv)
    outputdir = options.outputdir if options.outputdir.is_absolute() else ROOT / options.outputdir
    runs, with_clean = plan(options)
    outcomes: list[Outcome] = []
    clean = None
    if with_clean:
        clean = run_once(CLEAN, list(SUITE_GROUPS), outputdir / "clean", options.processes, options.bound)
        outcomes.append(clean)
        print(f"catch_rate: clean run: {clean.verdict}, {len(clean.failed)} failed, {clean.seconds:.0f} s", flush=True)
    for defect, suites in runs:
        outcome = run_once(defect, suites, outputdir / defect, options.processes, options.bound)
        outcomes.append(outcome)
        print(f"catch_rate: {defect}: {outcome.verdict} ({len(outcome.failed)} failed, {outcome.seconds:.0f} s)")
        (outputdir / "catch_rate.md").write_text(markdown(outcomes, clean))  # kept current while the runs go on
    report = markdown(outcomes, clean)
    (outputdir / "catch_rate.md").write_text(report)
    record = {"outcomes": [asdict(o) | {"verdict": o.verdict} for o in outcomes], "timing": sorted(TIMING_DEPENDENT)}
    (outputdir / "catch_rate.json").write_text(json.dumps(record, indent=2))
    print(report)
    if clean is not None and clean.verdict != "clean":
        print("catch_rate: the clean run failed: the table is void", file=sys.stderr)
        return 2
    if options.fast and any(o.verdict != "caught" for o in outcomes):
        print("catch_rate: a defect of the fast subset was not caught", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
