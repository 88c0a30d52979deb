"""The reference adapter without the ``cancel`` capability, counting the runs submitted to it in a file."""

from __future__ import annotations

import os
from pathlib import Path

from libraries.agent_system.contract import Capability
from libraries.agent_system.reference import ReferenceAdapter

SUBMITTED_FILE = "COUNTING_ADAPTER_FILE"


class ReferenceThatCannotCancel(ReferenceAdapter):
    capabilities = ReferenceAdapter.capabilities - {Capability.CANCEL}

    def submit(self, goal: str, **options) -> str:
        run_id = super().submit(goal, **options)
        with Path(os.environ[SUBMITTED_FILE]).open("a") as submitted:
            submitted.write(f"{run_id}\n")
        return run_id
