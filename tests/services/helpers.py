"""Running Robot Framework and pabot on miniature suites, and finding what a run left behind."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from libraries import common
from libraries.services.lifecycle import runs_root

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent


def make_suites(directory: Path, names: list[str]) -> Path:
    """`__init__.robot` plus one copy of the template suite per name."""
    suites = directory / "suites"
    suites.mkdir()
    shutil.copy(HERE / "robot" / "__init__.robot", suites)
    for name in names:
        shutil.copy(HERE / "robot" / "suite_template.robot", suites / f"{name}.robot")
    return suites


def robot_command(runner: str, output_dir: Path, suites: Path, *options: str) -> list[str]:
    # A free port for each pabot run's PabotLib: pabot runs of tests side by side must not share 8270.
    port = ["--pabotlibport", "0"] if runner == "pabot" else []
    return [str(BIN / runner), *port, "--outputdir", str(output_dir), "--console", "dotted", *options, str(suites)]


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment with the virtualenv's tools first on PATH (pabot starts `robot` from PATH)."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **(extra or {})}


def run(command: list[str], env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=environment(env), capture_output=True, text=True, timeout=timeout)


def run_ids(output_dir: Path) -> set[str]:
    return set(re.findall(r"Run (\d{14}[0-9a-f]{6}):", (output_dir / "output.xml").read_text()))


def processes_of_run(run_id: str) -> list[str]:
    """Command lines of live processes that belong to run `run_id` (its servers run inside its directory)."""
    marker = str(runs_root() / run_id)
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                directory = os.readlink(proc / "cwd")
            except OSError:
                continue
            if (marker in command or directory.startswith(marker)) and state != "Z":
                found.append(command)
    return found


def wait_until(condition: Callable[[], object], timeout: float, interval: float = 0.05) -> bool:
    """Whether ``condition`` came true within ``timeout`` seconds (polled through the libraries' one helper)."""
    try:
        common.wait_until(condition, timeout, pause=interval)
    except common.WaitTimeout:
        return False
    return True


def free_closed_port() -> int:
    """A loopback port nobody listens on (bound and released: connections to it are refused)."""
    from libraries.services.processes import free_port

    return free_port()
