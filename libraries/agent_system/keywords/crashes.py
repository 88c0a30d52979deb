from __future__ import annotations

import time
from datetime import timedelta

from robot.api import logger
from robot.api.deco import keyword

from libraries.common import WaitTimeout, wait_until

from .. import deadlines
from ..base import AgentSystemComponent
from ..contract import Capability


class CrashKeywords(AgentSystemComponent):
    """What a system whose processes are killed must still do: end every run, resumed or failed with a reason."""

    @keyword("Agent Run Should End After Its Worker Was Killed")
    def agent_run_should_end_after_its_worker_was_killed(self, run: str, timeout: timedelta | None = None) -> str:
        """Waits up to ``timeout`` for ``run``, whose worker was killed, to reach a terminal state, and returns it.

        ``timeout`` defaults to the deadline of `Wait Until Agent Run Finishes`. A system that resumes killed
        work (capability ``resumes_after_crash``) finishes the run; one that does not
        must fail it with a reason. A run still unfinished after ``timeout`` fails the test, naming the run, its
        status and how long it has been unfinished since the kill.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it.

        Example:
        | `Agent Run Should End After Its Worker Was Killed`    ${run}
        """
        timeout = deadlines.deadline(timeout, deadlines.RUN, self.adapter)
        killed_at = self.library.last_kill or time.monotonic()
        try:
            view = wait_until(lambda: (seen := self.run_view(run)).finished and seen, timeout.total_seconds())
        except WaitTimeout:
            status = self.run_view(run).status
            since = time.monotonic() - killed_at
            raise AssertionError(
                f"Run {run} stayed {status} for {since:.1f} s after its worker was killed: the system neither "
                f"resumed it nor failed it within {timeout.total_seconds():g} s."
            ) from None
        resumes = Capability.RESUMES_AFTER_CRASH in self.capabilities()
        logger.info(
            f"Run {run} ended {view.status} {time.monotonic() - killed_at:.1f} s after its worker was killed"
            + (f": {view.error}." if view.error else ".")
            + ("" if resumes else " (the system does not resume killed work)")
        )
        if view.status == "failed" and view.error is None:
            raise AssertionError(f"Run {run} failed after its worker was killed, giving no reason.")
        return view.status
