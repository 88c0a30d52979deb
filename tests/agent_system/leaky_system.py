"""An adapter with the defect seen in the field: one process per run, which its ``stop()`` forgets.

The run processes start in a session of their own and do not die with their parent, like the run processes of a
system that is not ours; ``processes()`` lists them, so only the kit's registry of them can stop them.
"""

from __future__ import annotations

import subprocess
import sys

from libraries.agent_system.contract import SystemProcess
from libraries.agent_system.reference import ReferenceAdapter

RUN_ROLE = "run"


class LeakyReferenceAdapter(ReferenceAdapter):
    name = "the reference orchestrator with a leaking process per run"

    def __init__(self) -> None:
        super().__init__()
        self._runs: dict[str, subprocess.Popen] = {}

    def submit(self, goal: str, *, provider: str, model: str, deadline_s: float | None = None) -> str:
        run_id = super().submit(goal, provider=provider, model=model, deadline_s=deadline_s)
        self._runs[run_id] = subprocess.Popen(
            [sys.executable, "-c", "import signal; signal.pause()"],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        return run_id

    def processes(self) -> list[SystemProcess]:
        runs = [SystemProcess(RUN_ROLE, f"run {run_id}", p.pid) for run_id, p in self._runs.items() if p.poll() is None]
        return [*super().processes(), *runs]

    def stop(self) -> None:
        super().stop()  # the run processes are forgotten: the defect
        self._runs = {}
